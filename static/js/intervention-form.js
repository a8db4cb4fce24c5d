// Create an intervention from the map: from an asset's card, from a selection of several
// assets (Ctrl + drag), or at a place drawn on the map ("Report a problem here").
// Builds on map.js and inventory.js (window.vigie: map, el, api, fmt, showPanel).
// All text comes translated from the page (#vigie-strings); DOM built with textContent only.
(function () {
  "use strict";
  const target = document.getElementById("map");
  if (!target || !window.vigie || target.dataset.canCreateInterventions !== "true") return;
  const { map, el, api, fmt, showPanel, closePanel } = window.vigie;
  const T = JSON.parse(document.getElementById("vigie-strings").textContent).interventionForm;
  const INTERVENTIONS_URL = target.dataset.interventionsUrl;
  const PAGES_URL = target.dataset.interventionPagesUrl;
  const geojson = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
  const sketchSource = new ol.source.Vector();
  map.addLayer(new ol.layer.Vector({ source: sketchSource, zIndex: 20 }));
  let drawing = null;

  function stopDrawing() {
    if (drawing) map.removeInteraction(drawing);
    drawing = null;
    sketchSource.clear();
  }

  function choice(name, label, options, selected) {
    const select = el("select", { name, id: `new-intervention-${name}` },
      Object.entries(options).map(([value, text]) => el("option", { value, text, selected: value === selected })));
    return field(name, label, select);
  }

  function field(name, label, input) {
    return el("div", { class: "field", "data-field": name },
      el("label", { for: input.id, text: label }), input, el("p", { class: "field-error", role: "alert" }));
  }

  function showErrors(form, body) {
    form.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; });
    form.querySelector(".form-error").textContent = `${T.notSaved} ${body.message || ""}`;
    for (const [name, message] of Object.entries(body.fields || {})) {
      const slot = form.querySelector(`[data-field="${name}"] .field-error`) || form.querySelector(".form-error");
      slot.textContent = slot.classList.contains("form-error") ? `${slot.textContent} ${message}` : message;
    }
  }

  // The form for assets (ids and references) or for a drawn geometry.
  function openForm({ assetIds = [], references = [], geometry = null }) {
    const problem = choice("problem", T.problem, { "": T.choose, ...T.problems }, "");
    const kind = choice("kind", T.kind, T.kinds, "corrective");
    kind.querySelector("select").addEventListener("change", (event) => { problem.hidden = event.target.value !== "corrective"; });
    const description = el("textarea", { name: "description", id: "new-intervention-description", rows: 3 });
    const estimate = el("input", { name: "estimated_minutes", id: "new-intervention-estimate", type: "number", min: 1 });
    const form = el("form", { class: "asset-form", novalidate: true, "data-testid": "intervention-form" },
      el("p", { class: "form-error error-message", role: "alert" }),
      kind, choice("priority", T.priority, T.priorities, "P3"), problem,
      field("description", T.description, description), field("estimated_minutes", T.estimate, estimate),
      el("div", { class: "button-row" },
        el("button", { type: "submit", class: "primary-inline", text: T.create }),
        el("button", { type: "button", text: T.cancel, onclick: () => { stopDrawing(); closePanel(); } })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {
        kind: form.kind.value, priority: form.priority.value, asset_ids: assetIds,
        problem: form.kind.value === "corrective" ? form.problem.value || null : null,
        description: form.description.value, estimated_minutes: form.estimated_minutes.value || null,
      };
      if (geometry) body.geometry = geometry;
      const answer = await api(INTERVENTIONS_URL, { method: "POST", json: body });
      if (answer.status !== 201) { showErrors(form, answer.body); return; }
      stopDrawing();
      if (window.vigie.refreshInterventions) window.vigie.refreshInterventions();
      const reference = answer.body.properties.reference;
      showPanel(el("p", { class: "flash", "data-testid": "intervention-created", text: fmt(T.created, { reference }) }),
        el("p", {}, el("a", { href: `${PAGES_URL}/${answer.body.id}`, text: T.open })));
    });
    const where = references.length ? fmt(T.onAssets, { references: references.join(", ") }) : T.atPlace;
    showPanel(el("h2", { class: "card-title", text: T.title }), el("p", { class: "muted", text: where }), form);
  }

  // Hooks read by inventory.js: a button on the asset card and on a multiple selection.
  window.vigie.assetCardExtras = (feature) => el("div", { class: "button-row" },
    el("button", { type: "button", "data-testid": "new-intervention", text: T.newIntervention,
      onclick: () => openForm({ assetIds: [feature.id], references: [feature.properties.reference] }) }));
  window.vigie.selectionExtras = (features) => el("div", { class: "button-row" },
    el("button", { type: "button", "data-testid": "new-intervention-selection",
      text: fmt(T.forAssets, { count: features.length }),
      onclick: () => openForm({ assetIds: features.map((f) => f.getId()), references: features.map((f) => f.get("reference")) }) }));

  const reportButton = document.getElementById("report-problem");
  if (reportButton) {
    reportButton.addEventListener("click", () => {
      stopDrawing();
      drawing = new ol.interaction.Draw({ source: sketchSource, type: "Point" });
      drawing.on("drawend", (event) => {
        map.removeInteraction(drawing);
        drawing = null;
        openForm({ geometry: geojson.writeGeometryObject(event.feature.getGeometry()) });
      });
      map.addInteraction(drawing);
      showPanel(el("h2", { class: "card-title", text: T.title }), el("p", { text: T.drawPlace }),
        el("div", { class: "button-row" }, el("button", { type: "button", text: T.cancel, onclick: () => { stopDrawing(); closePanel(); } })));
    });
  }
})();
