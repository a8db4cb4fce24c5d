// The territory map: communes drawn from /api/v1/communes with their names.
// OpenLayers is vendored into static/vendor/ol at set-up time (global `ol`).
(function () {
  "use strict";
  const target = document.getElementById("map");
  if (!target) return;

  const communeStyle = (feature, resolution) => new ol.style.Style({
    stroke: new ol.style.Stroke({ color: "#0b5cad", width: 1.5 }),
    fill: new ol.style.Fill({ color: "rgba(11, 92, 173, 0.06)" }),
    text: new ol.style.Text({
      text: resolution < 80 && resolution > 3 ? feature.get("name") : "",
      font: "600 13px 'DejaVu Sans', sans-serif",
      fill: new ol.style.Fill({ color: "#1d2733" }),
      stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 }),
      overflow: true,
    }),
  });
  const hoverStyle = new ol.style.Style({
    stroke: new ol.style.Stroke({ color: "#b3261e", width: 2.5 }),
    fill: new ol.style.Fill({ color: "rgba(179, 38, 30, 0.08)" }),
  });

  const communes = new ol.source.Vector({
    url: target.dataset.communesUrl,
    format: new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" }),
  });
  const layers = [];
  if (target.dataset.basemapUrl) {
    layers.push(new ol.layer.Tile({ source: new ol.source.XYZ({ url: target.dataset.basemapUrl }) }));
  }
  const communeLayer = new ol.layer.Vector({ source: communes, style: communeStyle, declutter: true });
  layers.push(communeLayer);

  const map = new ol.Map({
    target,
    layers,
    view: new ol.View({ center: ol.proj.fromLonLat([5.04, 47.32]), zoom: 11 }),
    controls: ol.control.defaults.defaults().extend([new ol.control.ScaleLine()]),
  });
  window.vigieMap = map;
  window.vigie = { map, communeLayer };

  communes.on("featuresloadend", () => {
    document.getElementById("commune-count").textContent = communes.getFeatures().length;
    if (!window.location.search.includes("asset=")) {
      map.getView().fit(communes.getExtent(), { padding: [60, 320, 30, 30], duration: 0 });
    }
    target.dataset.loaded = "true";
  });

  let hovered = null;
  const hoveredLabel = document.getElementById("hovered-commune");
  map.on("pointermove", (event) => {
    const feature = map.forEachFeatureAtPixel(event.pixel, (f) => f, { layerFilter: (l) => l === communeLayer });
    if (feature === hovered) return;
    if (hovered) hovered.setStyle(undefined);
    hovered = feature || null;
    if (hovered) {
      hovered.setStyle([communeStyle(hovered, map.getView().getResolution()), hoverStyle]);
      hoveredLabel.textContent = `${hovered.get("name")} (${hovered.get("insee")})`;
    }
  });
})();
