// The crew's day page: the route (depot → stops → depot, straight segments) and the
// numbered stops on a small map. The data is in the page (#crew-day-route, WGS 84).
(function () {
  "use strict";
  const target = document.getElementById("crew-day-map");
  const data = document.getElementById("crew-day-route");
  if (!target || !data) return;
  const features = new ol.format.GeoJSON().readFeatures(JSON.parse(data.textContent), {
    dataProjection: "EPSG:4326", featureProjection: "EPSG:3857",
  });
  const colours = { 1: "#c0392b", 2: "#e67e22", 3: "#2c7fb8", 4: "#7f8c8d" };
  function style(feature) {
    const role = feature.get("role");
    if (role === "route") {
      return new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#2c3e50", width: 3, lineDash: [8, 6] }) });
    }
    if (role === "depot") {
      return new ol.style.Style({
        image: new ol.style.RegularShape({ points: 4, radius: 11, angle: Math.PI / 4,
          fill: new ol.style.Fill({ color: "#2c3e50" }), stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }),
      });
    }
    return new ol.style.Style({
      image: new ol.style.Circle({ radius: 12, fill: new ol.style.Fill({ color: colours[feature.get("priority")] || "#2c7fb8" }),
        stroke: new ol.style.Stroke({ color: "#fff", width: 2 }) }),
      text: new ol.style.Text({ text: String(feature.get("n")), font: "bold 12px sans-serif",
        fill: new ol.style.Fill({ color: "#fff" }) }),
    });
  }
  const source = new ol.source.Vector({ features });
  const layers = [];
  if (target.dataset.basemapUrl) layers.push(new ol.layer.Tile({ source: new ol.source.XYZ({ url: target.dataset.basemapUrl }) }));
  layers.push(new ol.layer.Vector({ source, style }));
  const map = new ol.Map({ target, layers, view: new ol.View({ center: ol.proj.fromLonLat([5.04, 47.32]), zoom: 12 }) });
  if (features.length) map.getView().fit(source.getExtent(), { padding: [40, 40, 40, 40], maxZoom: 17 });
})();
