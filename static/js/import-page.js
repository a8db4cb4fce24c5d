// The import page: follows the running step, reloads the asset type's fields, draws the preview.
(function () {
  "use strict";
  const page = document.querySelector(".import-page");
  if (!page) return;

  const typeSelect = document.querySelector("select[data-reload]");
  if (typeSelect) {
    typeSelect.addEventListener("change", () => {
      const url = new URL(window.location.href);
      url.searchParams.set("asset_type", typeSelect.value);
      window.location.assign(url.toString());
    });
  }

  const undoForm = document.querySelector(".undo-form");
  if (undoForm) {
    undoForm.addEventListener("submit", (event) => {
      if (!window.confirm(undoForm.dataset.confirm)) event.preventDefault();
    });
  }

  const progress = document.querySelector(".import-progress");
  if (progress) {
    const bar = progress.querySelector("progress");
    const label = progress.querySelector(".progress-text");
    const poll = async () => {
      try {
        const answer = await fetch(page.dataset.statusUrl, { headers: { Accept: "application/json" } });
        const state = await answer.json();
        if (state.status !== page.dataset.status) { window.location.reload(); return; }
        if (state.total > 0) {
          bar.value = Math.round((100 * state.done) / state.total);
          label.textContent = `${state.done.toLocaleString()} / ${state.total.toLocaleString()}`;
        }
      } catch (error) { /* the next poll tries again */ }
      window.setTimeout(poll, 1000);
    };
    poll();
  }

  const target = document.getElementById("import-preview");
  if (target && window.ol) drawPreview(target);

  function drawPreview(element) {
    const colours = { create: "#1a9850", update: "#2166ac", skip: "#999999", error: "#d73027" };
    const styles = {};
    const styleOf = (feature) => {
      const action = feature.get("action");
      if (!styles[action]) {
        const colour = colours[action] || "#000";
        styles[action] = new ol.style.Style({
          image: new ol.style.Circle({ radius: 4, fill: new ol.style.Fill({ color: colour }), stroke: new ol.style.Stroke({ color: "#fff", width: 1 }) }),
          stroke: new ol.style.Stroke({ color: colour, width: 2 }),
          fill: new ol.style.Fill({ color: colour + "55" }),
        });
      }
      return styles[action];
    };
    const format = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
    const communes = new ol.layer.Vector({
      source: new ol.source.Vector({ url: "/api/v1/communes", format }),
      style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#7a869a", width: 1 }), fill: new ol.style.Fill({ color: "#f4f6f8" }) }),
    });
    const rows = new ol.source.Vector({ url: page.dataset.previewUrl, format });
    const map = new ol.Map({
      target: element,
      layers: [communes, new ol.layer.Vector({ source: rows, style: styleOf })],
      view: new ol.View({ center: ol.proj.fromLonLat([5.04, 47.32]), zoom: 11 }),
    });
    rows.once("featuresloadend", () => {
      // Frame the rows that would be written; refused ones (e.g. in another city) would zoom out to nothing.
      const kept = rows.getFeatures().filter((f) => f.get("action") !== "error");
      const framed = kept.length ? kept : rows.getFeatures();
      if (framed.length) {
        const extent = ol.extent.createEmpty();
        framed.forEach((f) => ol.extent.extend(extent, f.getGeometry().getExtent()));
        map.getView().fit(extent, { padding: [30, 30, 30, 30], maxZoom: 17 });
      }
      element.dataset.loaded = String(rows.getFeatures().length);
    });
  }
})();
