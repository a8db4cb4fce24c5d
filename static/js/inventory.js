// The asset registry on the map: asset layer, asset card with history, and for asset
// managers drawing (with snapping), moving, attribute and status editing, bulk edits.
// Builds on map.js (window.vigie). All text comes translated from the page
// (#vigie-strings); the DOM is built with textContent only, never innerHTML.
(function () {
  "use strict";
  const target = document.getElementById("map");
  if (!target || !window.vigie) return;
  const map = window.vigie.map;
  const T = JSON.parse(document.getElementById("vigie-strings").textContent);
  const LANG = target.dataset.language;
  const CAN_EDIT = target.dataset.canEdit === "true";
  // Selecting several assets serves bulk edits and interventions on many assets.
  const CAN_SELECT_MANY = CAN_EDIT || target.dataset.canCreateInterventions === "true";
  const ASSETS_URL = target.dataset.assetsUrl;
  const CSRF = document.querySelector('meta[name="csrf-token"]').content;
  // Below this zoom the map draws vector tiles (aggregated under zoom 16); from it on,
  // assets are loaded as features that can be selected, edited and snapped to.
  const MIN_ZOOM = 18;
  // OpenLayers' layer minZoom is exclusive and maxZoom inclusive: switch just below.
  const SWITCH_ZOOM = MIN_ZOOM - 0.001;
  const TILES_URL = target.dataset.tilesUrl;
  const OL_GEOMETRY = { point: "Point", line: "LineString", polygon: "Polygon" };
  const panel = document.getElementById("panel-content");
  const territoryPanel = document.getElementById("panel-territory");
  const statusBar = document.getElementById("map-status");
  const geojson = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
  const types = {};
  let asOf = "";
  let editing = [];  // interactions of the current draw/move, removed together
  let generation = 0;  // bumped by each refresh of the asset layer: older answers are dropped

  // ---- small helpers --------------------------------------------------------------
  const fmt = (template, params) => template.replace(/%\((\w+)\)s/g, (_, key) => String(params[key]));

  const el = window.vigieEl;

  async function api(url, options = {}) {
    const init = { credentials: "same-origin", ...options, headers: { Accept: "application/json", "X-CSRFToken": CSRF } };
    if (options.json !== undefined) {
      init.body = JSON.stringify(options.json);
      init.headers["Content-Type"] = "application/json";
    }
    try {
      const response = await fetch(url, init);
      return { status: response.status, body: await response.json().catch(() => ({})) };
    } catch (error) {
      return { status: 0, body: { message: T.networkError } };
    }
  }

  const typeLabel = (type) => (type ? (LANG === "fr" ? type.label_fr : type.label_en) : "");
  const specLabel = (spec) => (LANG === "fr" ? spec.label_fr : spec.label_en) + (spec.unit ? ` (${spec.unit})` : "");

  function displayValue(spec, value) {
    if (value === null || value === undefined || value === "") return T.unset;
    if (spec && spec.kind === "boolean") return value ? T.yes : T.no;
    if (spec && spec.kind === "enum") {
      const choice = (spec.choices || []).find((c) => c.value === value);
      return choice ? (LANG === "fr" ? choice.label_fr : choice.label_en) : String(value);
    }
    return spec && spec.unit ? `${value} ${spec.unit}` : String(value);
  }

  function showPanel(...children) {
    territoryPanel.hidden = true;
    panel.hidden = false;
    panel.replaceChildren(...children);
  }

  function closePanel() {
    panel.hidden = true;
    territoryPanel.hidden = false;
  }

  // Shared with the scripts loaded after this one (interventions-layer.js, intervention-form.js).
  Object.assign(window.vigie, { el, api, fmt, showPanel, closePanel });

  // ---- the asset layer ------------------------------------------------------------
  const styles = {};
  function assetStyle(feature, resolution, selected) {
    const p = feature.getProperties();
    const colour = (types[p.type] || {}).colour || "#555555";
    const kind = feature.getGeometry().getType();
    const key = `${colour}|${p.status}|${kind}|${selected ? 1 : 0}`;
    if (!styles[key]) styles[key] = makeStyle(colour, p.status, kind, selected);
    return styles[key];
  }

  function makeStyle(colour, status, kind, selected) {
    const alarm = status === "faulty" ? "#b3261e" : status === "out_of_service" ? "#222222" : null;
    const outline = selected ? "#0b5cad" : alarm || "#ffffff";
    const width = selected ? 3 : alarm ? 2.5 : 1.2;
    const dash = status === "planned" ? [6, 4] : undefined;
    if (kind.includes("Point")) {
      // declutterMode "none": OpenLayers 10 hit-detects vector-tile points only with it (clicks).
      return new ol.style.Style({ image: new ol.style.Circle({
        radius: selected ? 8 : 5, declutterMode: "none", fill: new ol.style.Fill({ color: colour }),
        stroke: new ol.style.Stroke({ color: outline, width }) }) });
    }
    const stroke = new ol.style.Stroke({ color: selected ? "#0b5cad" : alarm || colour, width: selected ? 5 : 3, lineDash: dash });
    return new ol.style.Style({ stroke, fill: new ol.style.Fill({ color: colour + "55" }) });
  }

  const assetSource = new ol.source.Vector({
    strategy: ol.loadingstrategy.bbox,
    loader: async function (extent, resolution, projection, success, failure) {
      const bbox = ol.proj.transformExtent(extent, projection, "EPSG:4326").map((n) => n.toFixed(6)).join(",");
      const params = new URLSearchParams({ bbox, limit: "1000" });
      if (asOf) params.set("as_of", asOf);
      const asked = generation;
      const answer = await api(`${ASSETS_URL}?${params}`);
      if (asked !== generation) {  // the layer was refreshed meanwhile (e.g. another date): stale answer
        failure();
        return;
      }
      if (answer.status !== 200) {
        this.removeLoadedExtent(extent);
        failure();
        return;
      }
      const features = geojson.readFeatures(answer.body);
      this.addFeatures(features);
      success(features);
      const { numberMatched, numberReturned } = answer.body;
      statusBar.textContent = numberMatched > numberReturned ? fmt(T.tooMany, { shown: numberReturned, total: numberMatched }) : "";
      target.dataset.assetsLoaded = String(this.getFeatures().length);
    },
  });
  const assetLayer = new ol.layer.Vector({ source: assetSource, style: (f, r) => assetStyle(f, r, false), minZoom: SWITCH_ZOOM });
  map.addLayer(assetLayer);
  window.vigie.assetLayer = assetLayer;
  const tileSource = new ol.source.VectorTile({ format: new ol.format.MVT(), url: tileUrl(), maxZoom: 20 });
  const tileLayer = new ol.layer.VectorTile({ source: tileSource, maxZoom: SWITCH_ZOOM, minZoom: 8, style: tileStyle, renderMode: "hybrid" });
  map.addLayer(tileLayer);
  window.vigie.tileLayer = tileLayer;

  function tileUrl() {
    return `${TILES_URL}/{z}/{x}/{y}.mvt${asOf ? "?as_of=" + asOf : ""}`;
  }

  const countStyles = {};
  function tileStyle(feature, resolution) {
    if (feature.get("layer") !== "asset_counts") return assetStyle(feature, resolution, false);
    const total = feature.get("total");
    const broken = (feature.get("faulty") || 0) + (feature.get("out_of_service") || 0);
    // A red ring where more than 5 % of the cell's assets are faulty or out of service.
    const alarming = broken > 0 && broken / total > 0.05;
    const radius = Math.min(16, 3 + 2.2 * Math.log2(total));
    const key = `${Math.round(radius)}|${alarming}|${total >= 10 && radius > 9 ? total : ""}`;
    if (!countStyles[key]) {
      countStyles[key] = new ol.style.Style({
        image: new ol.style.Circle({ radius, declutterMode: "none", fill: new ol.style.Fill({ color: "rgba(11, 92, 173, 0.55)" }),
          stroke: new ol.style.Stroke({ color: alarming ? "#b3261e" : "#ffffff", width: alarming ? 2.5 : 1 }) }),
        text: total >= 10 && radius > 9 ? new ol.style.Text({ text: String(total), font: "600 10px 'DejaVu Sans', sans-serif",
          fill: new ol.style.Fill({ color: "#ffffff" }) }) : undefined,
      });
    }
    return countStyles[key];
  }

  map.on("singleclick", (event) => {
    // A layer drawn above the assets may take the click first: interventions-layer.js sets
    // window.vigie.claimsClick(pixel), opens its own card and stops the event, so that
    // neither this handler nor the asset selection opens the asset underneath.
    if (window.vigie.claimsClick && window.vigie.claimsClick(event.pixel)) return;
    if (map.getView().getZoom() >= SWITCH_ZOOM) return;
    const hit = map.forEachFeatureAtPixel(event.pixel, (f) => f, { layerFilter: (l) => l === tileLayer, hitTolerance: 4 });
    if (!hit) return;
    if (hit.get("layer") === "asset_counts") {
      map.getView().animate({ center: event.coordinate, zoom: map.getView().getZoom() + 2, duration: 250 });
    } else {
      openCard(hit.getId());
    }
  });

  const sketchSource = new ol.source.Vector();
  map.addLayer(new ol.layer.Vector({ source: sketchSource }));
  map.on("moveend", () => {
    const zoomedOut = map.getView().getZoom() < SWITCH_ZOOM;
    if (zoomedOut && CAN_EDIT) statusBar.textContent = T.zoomIn;
    else if (statusBar.textContent === T.zoomIn) statusBar.textContent = "";
  });

  const select = new ol.interaction.Select({ layers: [assetLayer], hitTolerance: 6, style: (f, r) => assetStyle(f, r, true) });
  map.addInteraction(select);
  select.on("select", () => {
    const selected = select.getFeatures();
    if (selected.getLength() === 1) openCard(selected.item(0).getId());
    else if (selected.getLength() > 1 && CAN_SELECT_MANY && !asOf) openBulk();
    else closePanel();
  });

  function refreshAssets(thenOpenId) {
    generation += 1;
    select.getFeatures().clear();
    assetSource.refresh();
    tileSource.setUrl(tileUrl());
    tileSource.refresh();
    if (thenOpenId) {
      openCard(thenOpenId);
      highlightWhenLoaded(thenOpenId);
    }
  }

  function highlightWhenLoaded(id) {
    const highlight = () => {
      const shown = assetSource.getFeatureById(id);
      if (!shown) return;
      select.getFeatures().clear();
      select.getFeatures().push(shown);
      assetSource.un("featuresloadend", highlight);
    };
    assetSource.on("featuresloadend", highlight);
    highlight();
  }

  // ---- the asset card ---------------------------------------------------------------
  async function openCard(id) {
    const query = asOf ? `?as_of=${asOf}` : "";
    const [feature, history, children] = await Promise.all([
      api(`${ASSETS_URL}/${id}${query}`), api(`${ASSETS_URL}/${id}/history`),
      api(`${ASSETS_URL}?parent=${id}&limit=50${asOf ? "&as_of=" + asOf : ""}`),
    ]);
    if (feature.status !== 200) {
      showPanel(el("p", { class: "error-message", text: feature.body.message || T.notFound }));
      return;
    }
    const p = feature.body.properties;
    const type = types[p.type];
    showPanel(
      el("h2", { class: "card-title", "data-testid": "asset-reference", text: p.reference }),
      el("p", { class: "muted" }, `${typeLabel(type)} · ${p.commune_name || ""}`),
      el("p", {}, el("span", { class: `status-badge status-${p.status}`, "data-testid": "asset-status", text: T.statuses[p.status] })),
      CAN_EDIT && !asOf && p.status !== "decommissioned" ? editButtons(feature.body) : null,
      // intervention-form.js adds "New intervention" for those who may create one.
      !asOf && p.status !== "decommissioned" && window.vigie.assetCardExtras ? window.vigie.assetCardExtras(feature.body) : null,
      el("h3", { text: T.attributes }),
      attributeTable(type, p),
      relatives(p, children.body.features || []),
      el("h3", { text: T.history }),
      historyList(type, history.body.history || []),
    );
  }

  function attributeTable(type, p) {
    const rows = [["installed_on", null], ["manufacturer", null], ["model", null], ["condition", null], ["external_ref", null]]
      .map(([name]) => [T.core[name], displayValue(null, p[name])]);
    for (const spec of (type ? type.attribute_schema : [])) rows.push([specLabel(spec), displayValue(spec, p[spec.name])]);
    rows.push([T.version, String(p.version)]);
    return el("table", { class: "card-table" }, rows.map(([label, value]) => el("tr", {}, el("th", { text: label }), el("td", { text: value }))));
  }

  function relatives(p, children) {
    const parts = [];
    if (p.parent_id) {
      parts.push(el("p", {}, `${T.parent} : `, el("a", { href: `?asset=${p.parent_id}`, onclick: (e) => { e.preventDefault(); focusAsset(p.parent_id); }, text: `#${p.parent_id}` })));
      api(`${ASSETS_URL}/${p.parent_id}`).then((r) => { if (r.status === 200) parts[0].querySelector("a").textContent = r.body.properties.reference; });
    }
    if (children.length) {
      parts.push(el("p", {}, `${T.children} (${children.length}) : `,
        children.map((c, i) => [i ? ", " : "", el("a", { href: `?asset=${c.id}`, onclick: (e) => { e.preventDefault(); focusAsset(c.id); }, text: c.properties.reference })])));
    }
    return el("div", { class: "relatives" }, parts);
  }

  function historyList(type, entries) {
    const specs = Object.fromEntries((type ? type.attribute_schema : []).map((s) => [`attributes.${s.name}`, s]));
    return el("ol", { class: "timeline", "data-testid": "history" }, entries.slice().reverse().map((h) => el("li", {},
      el("strong", { text: T.changes[h.change] || h.change }),
      el("span", { class: "muted", text: ` ${new Date(h.recorded_at).toLocaleString(LANG)} · ${T.by} ${h.actor_name || T.system}` }),
      h.reason ? el("div", { class: "reason", text: `${T.reasonLabel} : ${h.reason}` }) : null,
      el("ul", { class: "changes" }, Object.entries(h.changes || {}).map(([field, [before, after]]) => el("li", {
        text: field === "geometry" ? T.positionChanged
          : `${specs[field] ? specLabel(specs[field]) : T.core[field] || field} : ${displayValue(specs[field], before)} → ${displayValue(specs[field], after)}`,
      }))),
    )));
  }

  // ---- forms generated from the type's schema -----------------------------------
  function inputFor(spec, value) {
    const common = { name: spec.name, id: `field-${spec.name}`, required: spec.required || undefined };
    if (spec.kind === "enum" || spec.kind === "boolean") {
      const choices = spec.kind === "boolean"
        ? [{ value: "true", label: T.yes }, { value: "false", label: T.no }]
        : spec.choices.map((c) => ({ value: c.value, label: LANG === "fr" ? c.label_fr : c.label_en }));
      const current = value === true ? "true" : value === false ? "false" : value;
      return el("select", common, el("option", { value: "", text: T.unset }),
        choices.map((c) => el("option", { value: c.value, selected: c.value === current, text: c.label })));
    }
    const type = { integer: "number", decimal: "text", date: "date" }[spec.kind] || "text";
    return el("input", { ...common, type, value: value ?? "", inputmode: spec.kind === "decimal" ? "decimal" : undefined, step: spec.kind === "integer" ? "1" : undefined });
  }

  function fieldBlock(spec, value) {
    return el("div", { class: "field" }, el("label", { for: `field-${spec.name}`, text: specLabel(spec) }),
      inputFor(spec, value), el("p", { class: "field-error", "data-for": spec.name, role: "alert" }));
  }

  const CORE_SPECS = [
    { name: "installed_on", kind: "date" }, { name: "manufacturer", kind: "text" }, { name: "model", kind: "text" },
    { name: "condition", kind: "enum", choices: [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label_fr: String(n), label_en: String(n) })) },
    { name: "external_ref", kind: "text" },
  ].map((s) => ({ ...s, label_fr: T.core[s.name], label_en: T.core[s.name] }));
  const STATUS_SPEC = { name: "status", kind: "enum", label_fr: T.core.status, label_en: T.core.status,
    choices: Object.entries(T.statuses).filter(([v]) => v !== "decommissioned").map(([value, label]) => ({ value, label_fr: label, label_en: label })) };

  function propertiesForm(type, p, extra) {
    const values = { ...p, condition: p.condition == null ? "" : String(p.condition) };
    return el("form", { class: "asset-form", novalidate: true },
      el("p", { class: "form-error error-message", role: "alert" }),
      extra,
      [...CORE_SPECS, ...type.attribute_schema].map((spec) => fieldBlock(spec, values[spec.name])));
  }

  function readForm(form, onlyChangedFrom) {
    const properties = {};
    for (const input of form.querySelectorAll("[name]")) {
      if (input.name === "reason" || input.type === "checkbox") continue;
      const before = onlyChangedFrom ? onlyChangedFrom[input.name] : undefined;
      const beforeText = before === null || before === undefined ? "" : String(before);
      if (onlyChangedFrom && input.value === beforeText) continue;
      if (!onlyChangedFrom && input.value === "") continue;
      properties[input.name] = input.value === "" ? null : input.value;
    }
    return properties;
  }

  function showErrors(form, body) {
    form.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; });
    const unplaced = [];
    for (const [name, message] of Object.entries(body.fields || {})) {
      const slot = form.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
      if (slot) slot.textContent = message; else unplaced.push(message);
    }
    form.querySelector(".form-error").textContent = [body.message ? `${T.notSaved} ${body.message}` : "", ...unplaced].join(" ");
  }

  function buttons(...specs) {
    return el("div", { class: "button-row" }, specs.map(([label, onclick, cls]) => el("button", { type: "button", class: cls || "", onclick, text: label })));
  }

  // ---- editing ---------------------------------------------------------------------
  function editButtons(feature) {
    return buttons(
      [T.edit, () => openEditForm(feature)], [T.move, () => startMove(feature)],
      [T.changeStatus, () => openStatusForm(feature)], [T.decommission, () => openDecommissionForm(feature), "danger"]);
  }

  function stopEditing() {
    editing.forEach((interaction) => map.removeInteraction(interaction));
    editing = [];
    sketchSource.clear();
    select.setActive(true);
  }

  function addEditing(...interactions) {
    // Snap goes last so that it sees the pointer before Draw/Modify do.
    const snap = new ol.interaction.Snap({ source: assetSource, pixelTolerance: 12 });
    [...interactions, snap].forEach((interaction) => { map.addInteraction(interaction); editing.push(interaction); });
  }

  async function patchAsset(feature, body, form) {
    const answer = await api(`${ASSETS_URL}/${feature.id}`, { method: "PATCH", json: body });
    if (answer.status === 200) {
      stopEditing();
      refreshAssets(feature.id);
    } else if (answer.status === 409) {
      stopEditing();
      showConflict(feature.id, answer.body);
    } else if (form) {
      showErrors(form, answer.body);
    } else {
      statusBar.textContent = `${T.notSaved} ${answer.body.message || ""}`;
    }
  }

  function openEditForm(feature) {
    const p = feature.properties;
    const form = propertiesForm(types[p.type], p);
    form.append(buttons([T.save, () => patchAsset(feature, { properties: { ...readForm(form, { ...p, condition: p.condition == null ? "" : String(p.condition) }), version: p.version } }, form), "primary-inline"],
      [T.cancel, () => openCard(feature.id)]));
    showPanel(el("h2", { class: "card-title", text: p.reference }), form);
  }

  function reasonBlock() {
    return el("div", { class: "field" }, el("label", { for: "field-reason", text: T.core.reason }),
      el("textarea", { name: "reason", id: "field-reason", rows: "2", required: true }),
      el("p", { class: "field-error", "data-for": "reason", role: "alert" }));
  }

  function openStatusForm(feature) {
    const p = feature.properties;
    const form = el("form", { class: "asset-form", novalidate: true }, el("p", { class: "form-error error-message", role: "alert" }),
      fieldBlock(STATUS_SPEC, p.status), reasonBlock());
    form.append(buttons([T.save, () => patchAsset(feature, { properties: { status: form.status.value, version: p.version }, reason: form.reason.value }, form), "primary-inline"],
      [T.cancel, () => openCard(feature.id)]));
    showPanel(el("h2", { class: "card-title", text: p.reference }), form);
  }

  function openDecommissionForm(feature) {
    const p = feature.properties;
    const form = el("form", { class: "asset-form", novalidate: true }, el("p", { text: T.decommissionConfirm }),
      el("p", { class: "form-error error-message", role: "alert" }), reasonBlock());
    form.append(buttons([T.decommission, () => patchAsset(feature, { properties: { status: "decommissioned", version: p.version }, reason: form.reason.value }, form), "danger"],
      [T.cancel, () => openCard(feature.id)]));
    showPanel(el("h2", { class: "card-title", text: p.reference }), form);
  }

  function startMove(feature) {
    const shown = assetSource.getFeatureById(feature.id);
    if (!shown) {  // editable features load from MIN_ZOOM on: go there, start once it is loaded
      if (map.getView().getZoom() < SWITCH_ZOOM) {
        map.getView().fit(geojson.readGeometry(feature.geometry).getExtent(), { maxZoom: MIN_ZOOM, duration: 0 });
      }
      const retry = () => {
        if (!assetSource.getFeatureById(feature.id)) return;
        assetSource.un("featuresloadend", retry);
        startMove(feature);
      };
      assetSource.on("featuresloadend", retry);
      return;
    }
    const original = shown.getGeometry().clone();
    select.setActive(false);
    addEditing(new ol.interaction.Modify({ features: new ol.Collection([shown]), pixelTolerance: 12 }));
    const cancel = () => { shown.setGeometry(original); stopEditing(); openCard(feature.id); };
    showPanel(el("h2", { class: "card-title", text: feature.properties.reference }),
      el("p", { class: "muted", text: T.move }),
      buttons([T.savePosition, () => patchAsset(feature, { geometry: geojson.writeGeometryObject(shown.getGeometry()), properties: { version: feature.properties.version } }), "primary-inline"],
        [T.cancel, cancel]));
  }

  function startDraw(type) {
    stopEditing();
    select.setActive(false);
    const parent = select.getFeatures().getLength() === 1 ? select.getFeatures().item(0) : null;
    const draw = new ol.interaction.Draw({ source: sketchSource, type: OL_GEOMETRY[type.geometry_kind] });
    draw.on("drawend", (event) => { map.removeInteraction(draw); openCreateForm(type, event.feature, parent); });
    addEditing(draw);
    const hint = { point: T.drawPoint, line: T.drawLine, polygon: T.drawPolygon }[type.geometry_kind];
    showPanel(el("h2", { class: "card-title", text: fmt(T.newAsset, { type: typeLabel(type) }) }), el("p", { text: hint }),
      buttons([T.cancel, () => { stopEditing(); closePanel(); }]));
  }

  function openCreateForm(type, sketch, parent) {
    const canHang = parent && type.parent_type_codes.includes(parent.get("type"));
    const hang = canHang ? el("label", { class: "checkbox" }, el("input", { type: "checkbox", name: "hang", checked: true }),
      ` ${fmt(T.hangUnder, { reference: parent.get("reference") })}`) : null;
    const form = propertiesForm(type, { status: "in_service" }, [fieldBlock(STATUS_SPEC, "in_service"), hang]);
    form.append(buttons([T.save, async () => {
      const properties = { ...readForm(form), type: type.code };
      if (canHang && form.hang.checked) properties.parent_id = parent.getId();
      const answer = await api(ASSETS_URL, { method: "POST", json: { type: "Feature", geometry: geojson.writeGeometryObject(sketch.getGeometry()), properties } });
      if (answer.status === 201) { stopEditing(); refreshAssets(answer.body.id); } else showErrors(form, answer.body);
    }, "primary-inline"], [T.cancel, () => { stopEditing(); closePanel(); }]));
    showPanel(el("h2", { class: "card-title", text: fmt(T.newAsset, { type: typeLabel(type) }) }), form);
  }

  function showConflict(id, body) {
    const current = body.current.properties;
    const mine = body.submitted.properties || {};
    const type = types[current.type];
    const specs = Object.fromEntries((type ? type.attribute_schema : []).map((s) => [s.name, s]));
    const rows = Object.keys(mine).map((name) => el("tr", {}, el("th", { text: specs[name] ? specLabel(specs[name]) : T.core[name] || name }),
      el("td", { text: displayValue(specs[name], current[name]) }), el("td", { text: displayValue(specs[name], mine[name]) })));
    if (body.submitted.geometry_changed) rows.push(el("tr", {}, el("th", { text: T.core.geometry }), el("td", { text: "" }), el("td", { text: T.positionChanged })));
    showPanel(el("h2", { class: "card-title conflict", "data-testid": "conflict", text: T.conflictTitle }),
      el("p", { text: body.message }), el("p", { class: "muted", text: T.conflictHelp }),
      el("table", { class: "card-table" }, el("tr", {}, el("th", { text: T.field }),
        el("th", { text: fmt(T.current, { version: current.version }) }), el("th", { text: fmt(T.yours, { version: body.submitted.version }) })), rows),
      buttons([T.reload, () => refreshAssets(id), "primary-inline"]));
  }

  // ---- bulk edit ----------------------------------------------------------------------
  function openBulk() {
    const features = select.getFeatures().getArray();
    const title = el("h2", { class: "card-title", text: fmt(T.bulkTitle, { count: features.length }) });
    const extras = window.vigie.selectionExtras ? window.vigie.selectionExtras(features) : null;
    if (!CAN_EDIT) { showPanel(title, extras); return; }
    const schemas = features.map((f) => (types[f.get("type")] || { attribute_schema: [] }).attribute_schema);
    const common = schemas[0].filter((spec) => schemas.every((s) => s.some((o) => o.name === spec.name && o.kind === spec.kind)));
    const specs = [STATUS_SPEC, ...CORE_SPECS, ...common];
    const fieldChooser = el("select", { name: "bulk_field", id: "bulk-field" }, specs.map((s) => el("option", { value: s.name, text: specLabel(s) })));
    const valueSlot = el("div");
    const form = el("form", { class: "asset-form", novalidate: true },
      el("p", { class: "form-error error-message", role: "alert" }),
      el("div", { class: "field" }, el("label", { for: "bulk-field", text: T.bulkField }), fieldChooser), valueSlot, reasonBlock());
    const renderValue = () => valueSlot.replaceChildren(fieldBlock(specs.find((s) => s.name === fieldChooser.value), ""));
    fieldChooser.addEventListener("change", renderValue);
    renderValue();
    form.append(buttons([T.bulkApply, async () => {
      const name = fieldChooser.value;
      const value = valueSlot.querySelector("[name]").value;
      const answer = await api(target.dataset.bulkUrl, { method: "POST", json: {
        asset_ids: features.map((f) => f.getId()), properties: { [name]: value === "" ? null : value }, reason: form.reason.value } });
      if (answer.status === 200) { refreshAssets(); showPanel(el("p", { "data-testid": "bulk-done", text: `${T.saved} (${answer.body.updated.length})` })); }
      else showErrors(form, { ...answer.body, fields: bulkFieldErrors(answer.body.fields, features, name) });
    }, "primary-inline"], [T.cancel, () => { select.getFeatures().clear(); closePanel(); }]));
    showPanel(title, form, extras);
  }

  function bulkFieldErrors(fields, features, name) {
    // The server keys errors by asset id: show them under the value, with references.
    const references = Object.fromEntries(features.map((f) => [String(f.getId()), f.get("reference")]));
    const messages = Object.entries(fields || {}).map(([id, message]) => `${references[id] || id} : ${message}`);
    return messages.length ? { [name]: messages.join(" ; ") } : {};
  }

  // ---- navigation: search, deep links, inventory as of a date ----------------------
  async function focusAsset(id) {
    const answer = await api(`${ASSETS_URL}/${id}${asOf ? "?as_of=" + asOf : ""}`);
    if (answer.status !== 200) { statusBar.textContent = answer.body.message || T.notFound; return; }
    const feature = geojson.readFeature(answer.body);
    map.getView().fit(feature.getGeometry().getExtent(), { maxZoom: 18, padding: [80, 340, 80, 80], duration: 0 });
    openCard(id);
    highlightWhenLoaded(id);
  }

  document.getElementById("search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reference = document.getElementById("search-reference").value.trim();
    if (!reference) return;
    const answer = await api(`${ASSETS_URL}?${new URLSearchParams({ q: reference, limit: "1", ...(asOf ? { as_of: asOf } : {}) })}`);
    if (answer.status === 200 && answer.body.features.length) focusAsset(answer.body.features[0].id);
    else statusBar.textContent = T.notFound;
  });

  document.getElementById("as-of").addEventListener("change", (event) => {
    asOf = event.target.value;
    stopEditing();
    const banner = document.getElementById("as-of-banner");
    banner.hidden = !asOf;
    banner.textContent = asOf ? fmt(T.asOfBanner, { date: new Date(asOf).toLocaleDateString(LANG) }) : "";
    const newAsset = document.getElementById("new-asset-form");
    if (newAsset) newAsset.hidden = Boolean(asOf);
    closePanel();
    refreshAssets();
  });

  // ---- start ----------------------------------------------------------------------------
  api(target.dataset.assetTypesUrl).then((answer) => {
    for (const type of answer.body.asset_types || []) types[type.code] = type;
    assetLayer.changed();
    const chooser = document.getElementById("new-asset-type");
    if (chooser) {
      Object.values(types).sort((a, b) => typeLabel(a).localeCompare(typeLabel(b), LANG))
        .forEach((type) => chooser.append(el("option", { value: type.code, text: typeLabel(type) })));
      document.getElementById("new-asset-form").addEventListener("submit", (event) => {
        event.preventDefault();
        startDraw(types[chooser.value]);
      });
    }
    if (CAN_SELECT_MANY) {
      document.getElementById("bulk-hint").textContent = T.bulkHint;
      const dragBox = new ol.interaction.DragBox({ condition: ol.events.condition.platformModifierKeyOnly });
      dragBox.on("boxend", () => {
        const extent = dragBox.getGeometry().getExtent();
        select.getFeatures().clear();
        assetSource.forEachFeatureIntersectingExtent(extent, (f) => { select.getFeatures().push(f); });
        const count = select.getFeatures().getLength();
        if (count === 1) openCard(select.getFeatures().item(0).getId()); else if (count > 1 && !asOf) openBulk();
      });
      map.addInteraction(dragBox);
    }
    target.dataset.typesLoaded = "true";
    const linked = new URLSearchParams(window.location.search).get("asset");
    if (linked) focusAsset(Number(linked));
  });
})();
