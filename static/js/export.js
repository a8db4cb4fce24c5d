// The map's export form (exports/controls.html): it sends the view's box in longitude/latitude
// and the "inventory as of" date with the chosen format and CRS. Builds on map.js (window.vigie).
(function () {
  "use strict";
  const form = document.getElementById("export-form");
  if (!form || !window.vigie || !window.vigie.map) return;
  const map = window.vigie.map;

  form.addEventListener("submit", () => {
    const view = map.getView();
    const extent = ol.proj.transformExtent(view.calculateExtent(map.getSize()), view.getProjection(), "EPSG:4326");
    const asOf = document.getElementById("as-of");
    form.elements.bbox.value = extent.map((n) => n.toFixed(6)).join(",");
    form.elements.as_of.value = asOf ? asOf.value : "";
    // An empty field is left out of the URL rather than sent blank.
    for (const input of [form.elements.bbox, form.elements.as_of]) input.disabled = !input.value;
  });
})();
