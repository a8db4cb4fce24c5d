// The dispatch map: each active crew's last known position as a labelled marker (name and
// age, greyed when older than the page's limit), a side list of crews with their current
// job, refreshed by polling /api/v1/dispatch/crews with its ETag (304 while nothing
// moved: the ages are then recomputed here from recorded_at and the server's clock).
// Loaded after map.js and crew-suggestions.js, before interventions-layer.js, to which it
// gives the panel (window.vigie: el, api, showPanel) and the card's "Suggest a crew".
// Text comes translated from #vigie-strings; the DOM is built with textContent only.
(function () {
  "use strict";
  const target = document.getElementById("map");
  if (!target || !window.vigie || !window.vigieDispatch) return;
  const { map } = window.vigie;
  const { el, api, showSuggestions } = window.vigieDispatch;
  const STRINGS = JSON.parse(document.getElementById("vigie-strings").textContent);
  const T = STRINGS.dispatch;
  const S = window.vigieDispatch.strings;
  const LANG = target.dataset.language;
  const CREWS_URL = target.dataset.crewsUrl;
  const INTERVENTIONS_URL = target.dataset.interventionsUrl;
  const PAGES_URL = target.dataset.interventionPagesUrl;
  const POLL_MS = Number(target.dataset.pollSeconds) * 1000;
  const STALE_S = Number(target.dataset.staleAfterMinutes) * 60;
  const FRESH = "#0b5cad";
  const STALE = "#8a949e";

  // ---- the side panel (shared with interventions-layer.js) ------------------------------
  const panel = document.getElementById("panel-content");
  const crewPanel = document.getElementById("panel-territory");
  function showPanel(...children) {
    crewPanel.hidden = true;
    panel.hidden = false;
    panel.replaceChildren(el("p", {}, el("button", { type: "button", class: "link-like", "data-testid": "back-to-crews",
      text: `← ${T.back}`, onclick: closePanel })), ...children.filter(Boolean));
  }
  function closePanel() {
    panel.hidden = true;
    crewPanel.hidden = false;
  }
  Object.assign(window.vigie, { el, api, showPanel, closePanel });

  // ---- ages -----------------------------------------------------------------------------
  let clockOffsetMs = 0;  // the server's clock minus ours, from the last full answer
  const relative = new Intl.RelativeTimeFormat(LANG, { numeric: "auto", style: "short" });
  const ageSeconds = (position) => Math.max(0, (Date.now() + clockOffsetMs - Date.parse(position.recorded_at)) / 1000);
  function ageText(seconds) {
    if (seconds < 60) return relative.format(-Math.round(seconds), "second");
    if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), "minute");
    if (seconds < 86400) return relative.format(-Math.floor(seconds / 3600), "hour");
    return relative.format(-Math.floor(seconds / 86400), "day");
  }

  // ---- the crews' layer -----------------------------------------------------------------
  const crewSource = new ol.source.Vector();
  const crewLayer = new ol.layer.Vector({ source: crewSource, zIndex: 20, style: crewStyle });
  map.addLayer(crewLayer);
  window.vigie.crewLayer = crewLayer;

  function crewStyle(feature) {
    const crew = feature.get("crew");
    const age = ageSeconds(crew.last_position);
    const colour = age > STALE_S ? STALE : FRESH;
    return new ol.style.Style({
      zIndex: age > STALE_S ? 0 : 1,
      image: new ol.style.Circle({ radius: 9, fill: new ol.style.Fill({ color: colour }),
        stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 }) }),
      text: new ol.style.Text({
        text: `${crew.name}\n${ageText(age)}`, offsetY: -26, font: "700 12px 'DejaVu Sans', sans-serif",
        fill: new ol.style.Fill({ color: age > STALE_S ? "#5b6876" : "#1d2733" }),
        backgroundFill: new ol.style.Fill({ color: "rgba(255,255,255,0.92)" }),
        backgroundStroke: new ol.style.Stroke({ color: colour, width: 1.5 }), padding: [2, 4, 1, 4],
      }),
    });
  }

  // ---- the list -------------------------------------------------------------------------
  const list = document.getElementById("crew-list");
  let crews = [];

  function render() {
    crewSource.clear();
    crewSource.addFeatures(crews.filter((c) => c.last_position).map((crew) => {
      const feature = new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat(
        [crew.last_position.longitude, crew.last_position.latitude])));
      feature.setId(`crew-${crew.id}`);
      feature.set("crew", crew);
      return feature;
    }));
    document.getElementById("crew-count").textContent = `(${crews.length})`;
    list.replaceChildren(...crews.map(crewItem));
  }

  function crewItem(crew) {
    const position = crew.last_position;
    const age = position ? ageSeconds(position) : null;
    const stale = position && age > STALE_S;
    const current = crew.current_intervention;
    return el("li", { class: `crew${stale ? " stale" : ""}${position ? "" : " unplaced"}`, "data-crew-id": crew.id },
      el("button", { type: "button", class: "crew-name", text: crew.name, disabled: !position,
        onclick: () => map.getView().animate({ center: ol.proj.fromLonLat([position.longitude, position.latitude]),
          zoom: Math.max(map.getView().getZoom(), 15), duration: 300 }) }),
      el("span", { class: "crew-age", "data-testid": "crew-age", title: stale ? T.stale : null,
        text: position ? ageText(age) : T.noPosition }),
      position ? el("span", { class: "muted small", text: [
        T.by.replace("%(name)s", position.posted_by),
        position.accuracy_m !== null ? T.accuracy.replace("%(metres)s", Math.round(position.accuracy_m)) : null,
      ].filter(Boolean).join(" · ") }) : null,
      el("div", { class: "crew-job" }, current
        ? [el("a", { class: "mono", href: `${PAGES_URL}/${current.id}`, text: current.reference }), " ",
          el("span", { class: `status-badge istatus-${current.status}`, text: T.statuses[current.status] || current.status })]
        : el("span", { class: "muted", text: T.noCurrent })),
      el("div", { class: "crew-skills muted small", text: crew.skills.map((s) => T.skills[s] || s).join(", ") }));
  }

  // ---- polling --------------------------------------------------------------------------
  let etag = null;
  const updated = document.getElementById("crews-updated");
  async function poll() {
    const answer = await api(CREWS_URL, { headers: etag ? { "If-None-Match": etag } : {} });
    if (answer.status === 200) {
      etag = answer.etag;
      crews = answer.body.crews;
      clockOffsetMs = Date.parse(answer.body.generated_at) - Date.now();
      render();
      target.dataset.crewsLoaded = "true";
    } else if (answer.status === 304) {
      render();  // only the ages moved
    } else {
      updated.textContent = T.pollFailed;
      return;
    }
    updated.textContent = T.updated.replace("%(time)s",
      new Date().toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  }
  poll();
  window.setInterval(poll, POLL_MS);

  // ---- crew markers take the click: their entry in the list ----------------------------
  map.on("singleclick", (event) => {
    const hit = map.forEachFeatureAtPixel(event.pixel, (f) => f, { layerFilter: (l) => l === crewLayer, hitTolerance: 4 });
    if (!hit) return;
    closePanel();
    const item = list.querySelector(`[data-crew-id="${hit.get("crew").id}"]`);
    if (item) {
      item.scrollIntoView({ block: "nearest" });
      item.classList.add("highlight");
      window.setTimeout(() => item.classList.remove("highlight"), 1500);
    }
  });

  // ---- the intervention card's "Suggest a crew" -----------------------------------------
  window.vigie.interventionCardExtras = (id) => {
    const body = el("div", { class: "suggestion-body", "aria-live": "polite" });
    const button = el("button", { type: "button", class: "primary-inline", "data-testid": "suggest-crew", text: S.suggest,
      onclick: () => {
        button.hidden = true;
        showSuggestions(body, `${INTERVENTIONS_URL}/${id}/crew-suggestions`, `${INTERVENTIONS_URL}/${id}/transitions`,
          () => { if (window.vigie.refreshInterventions) window.vigie.refreshInterventions(); etag = null; poll(); });
      } });
    return el("section", { class: "crew-suggestions" }, el("h3", { text: S.title }), button, body);
  };
})();
