// Interventions on the map: one marker per intervention from /tiles/interventions, drawn
// above the assets, coloured by status, with its priority ("P1"…) beside it from zoom 13,
// a red halo when overdue and a dashed orange ring when at risk; a toolbar toggle, a legend,
// and a short card in the side panel. Builds on map.js and inventory.js (window.vigie:
// map, el, api, showPanel). Text comes translated from #vigie-strings; the DOM is built
// with textContent only, never innerHTML.
(function () {
  "use strict";
  const target = document.getElementById("map");
  if (!target || !window.vigie || !window.vigie.showPanel) return;
  const { map, el, api, showPanel } = window.vigie;
  const STRINGS = JSON.parse(document.getElementById("vigie-strings").textContent);
  const T = STRINGS.interventions;
  const LANG = target.dataset.language;
  const API_URL = target.dataset.interventionsUrl;
  const PAGES_URL = target.dataset.interventionPagesUrl;
  const LABEL_FROM_ZOOM = 13;
  const HIT_TOLERANCE = 4;
  const ALARM = "#b3261e";
  const AT_RISK = "#d9730d";  // as the dashed "at risk" badges of the intervention pages
  const INK = "#1d2733";
  // What the layer shows: every intervention not yet closed or cancelled (completed ones
  // wait for the dispatcher to close them), each status with its colour.
  const STATUS_COLOURS = {
    new: "#1c6fd8", planned: "#0fa3b8", assigned: "#7b3fb5", in_progress: "#ef7d0d",
    on_hold: "#7d8590", completed: "#2e8540", reopened: "#0c2d6b",
  };
  const colourOf = (status) => STATUS_COLOURS[status] || "#7d8590";

  // ---- the layer ----------------------------------------------------------------------
  const styles = {};
  function markerStyle(feature, resolution) {
    const p = feature.getProperties();
    const labelled = map.getView().getZoomForResolution(resolution) >= LABEL_FROM_ZOOM;
    const key = [p.status, p.priority, p.overdue, p.at_risk, labelled].join("|");
    if (!styles[key]) styles[key] = makeStyle(p, labelled);
    return styles[key];
  }

  function makeStyle(p, labelled) {
    // Overdue on top of at risk, on top of the rest; then P1 above P4.
    const zIndex = (p.overdue ? 20 : p.at_risk ? 10 : 0) + (5 - p.priority);
    // Hit detection on a vector tile layer skips symbols and labels unless their
    // declutterMode is "none" (OpenLayers 10), so clicks would never find a marker.
    const declutterMode = "none";
    const layers = [];
    if (p.overdue) {
      layers.push(new ol.style.Style({ zIndex, image: new ol.style.Circle({
        radius: 15, declutterMode, fill: new ol.style.Fill({ color: "rgba(179, 38, 30, 0.28)" }),
        stroke: new ol.style.Stroke({ color: ALARM, width: 3 }) }) }));
    } else if (p.at_risk) {
      layers.push(new ol.style.Style({ zIndex, image: new ol.style.Circle({
        radius: 14, declutterMode, fill: new ol.style.Fill({ color: "rgba(255, 255, 255, 0.6)" }),
        stroke: new ol.style.Stroke({ color: AT_RISK, width: 2.5, lineDash: [4, 3] }) }) }));
    }
    layers.push(new ol.style.Style({
      zIndex,
      image: new ol.style.RegularShape({ points: 4, radius: 10, angle: 0, declutterMode,
        fill: new ol.style.Fill({ color: colourOf(p.status) }), stroke: new ol.style.Stroke({ color: "#ffffff", width: 2 }) }),
      text: labelled ? new ol.style.Text({
        text: `P${p.priority}`, declutterMode, offsetX: 18, textAlign: "left", font: "700 12px 'DejaVu Sans', sans-serif",
        fill: new ol.style.Fill({ color: p.priority === 1 ? ALARM : INK }),
        stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 }) }) : undefined,
    }));
    return layers;
  }

  const statuses = Object.keys(STATUS_COLOURS).join(",");
  // Points need no detail: zoom-16 tiles are reused (over-zoomed) beyond, fewer requests.
  const source = new ol.source.VectorTile({ format: new ol.format.MVT(), maxZoom: 16,
    url: `${target.dataset.interventionTilesUrl}/{z}/{x}/{y}.mvt?status=${statuses}` });
  const layer = new ol.layer.VectorTile({ source, style: markerStyle, minZoom: 7.999, zIndex: 10 });
  map.addLayer(layer);
  window.vigie.interventionLayer = layer;
  // Called after an intervention is created on the map: tiles are revalidated (new ETag).
  window.vigie.refreshInterventions = () => source.refresh();

  // ---- clicks: this layer's markers take the click before the assets underneath --------
  // (except while something is drawn or reshaped: then the click belongs to that tool).
  const editing = () => map.getInteractions().getArray().some((i) =>
    i.getActive() && (i instanceof ol.interaction.Draw || i instanceof ol.interaction.Modify));

  function interventionAt(pixel) {
    if (editing()) return null;
    return map.forEachFeatureAtPixel(pixel, (f) => f, { layerFilter: (l) => l === layer, hitTolerance: HIT_TOLERANCE }) || null;
  }
  window.vigie.claimsClick = (pixel) => interventionAt(pixel) !== null;  // read by inventory.js

  map.on("singleclick", (event) => {
    const hit = interventionAt(event.pixel);
    if (!hit) return;
    event.stopPropagation();  // the asset selection (an interaction) then never sees this click
    openCard(hit.getId());
  });

  let pointing = false;  // the cursor is changed only on entering or leaving a marker
  map.on("pointermove", (event) => {
    if (event.dragging || pointing === Boolean(interventionAt(event.pixel))) return;
    pointing = !pointing;
    map.getTargetElement().style.cursor = pointing ? "pointer" : "";
  });

  // ---- the card ------------------------------------------------------------------------
  async function openCard(id) {
    const answer = await api(`${API_URL}/${id}`);
    if (answer.status !== 200) {
      showPanel(el("p", { class: "error-message", text: answer.body.message || STRINGS.networkError }));
      return;
    }
    const p = answer.body.properties;
    const rows = [
      [T.kind, T.kinds[p.kind] || p.kind],
      [T.priority, T.priorities[p.priority] || p.priority],
      [T.dueAt, p.due_at ? formatInstant(p.due_at) : STRINGS.unset],
      [T.assets, String(p.asset_ids.length)],
    ];
    showPanel(
      el("h2", { class: "card-title", "data-testid": "intervention-reference", text: p.reference }),
      el("p", { class: "muted", text: p.commune_name || "" }),
      el("p", { class: "badges" },
        el("span", { class: `priority-badge priority-${p.priority}`, text: p.priority }),
        el("span", { class: `status-badge istatus-${p.status}`, "data-testid": "intervention-status",
          text: T.statuses[p.status] || p.status }),
        deadlineBadge(p)),
      el("table", { class: "card-table" },
        rows.map(([label, value]) => el("tr", {}, el("th", { text: label }), el("td", { text: value })))),
      el("p", {}, el("a", { class: "button", href: `${PAGES_URL}/${id}`, text: T.open })),
      // More for this intervention from the page's other scripts (the dispatch map: "Suggest a crew").
      window.vigie.interventionCardExtras ? window.vigie.interventionCardExtras(id, p) : null,
    );
  }

  // The badges' classes are the intervention pages' (static/css/vigie.css).
  function deadlineBadge(p) {
    if (p.overdue) return el("span", { class: "deadline overdue", "data-testid": "intervention-overdue", text: T.overdue });
    if (p.at_risk) return el("span", { class: "deadline at-risk", text: T.atRisk });
    return null;
  }

  function formatInstant(iso) {
    return new Date(iso).toLocaleString(LANG, { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" });
  }

  // ---- toggle and legend ---------------------------------------------------------------
  const legend = document.getElementById("interventions-legend");
  const marker = (colour, extra) => {
    const shape = el("span", { class: `legend-marker ${extra || ""}`.trim(), "aria-hidden": "true" });
    if (colour) shape.style.setProperty("--status-colour", colour);
    return shape;
  };
  legend.replaceChildren(
    el("p", { class: "legend-title", text: T.legend }),
    el("ul", {},
      Object.entries(STATUS_COLOURS).map(([status, colour]) => el("li", {}, marker(colour), T.statuses[status])),
      el("li", {}, marker(null, "overdue"), T.overdue),
      el("li", {}, marker(null, "at-risk"), T.atRisk)),
  );

  const toggle = document.getElementById("interventions-toggle");
  const applyToggle = () => {
    layer.setVisible(toggle.checked);
    legend.hidden = !toggle.checked;
  };
  toggle.addEventListener("change", applyToggle);
  applyToggle();
})();
