// The team form's depot: a small map of the communes where a click places the depot and
// fills the longitude/latitude fields; typing coordinates moves the marker. The form
// works without it (the fields are plain inputs). Global `ol` (static/vendor/ol).
(function () {
  "use strict";
  const target = document.getElementById("depot-map");
  if (!target || !window.ol) return;
  const lonInput = document.getElementById("depot_longitude");
  const latInput = document.getElementById("depot_latitude");
  const readNumber = (input) => Number.parseFloat(String(input.value).trim().replace(",", "."));

  const marker = new ol.Feature();
  marker.setStyle(new ol.style.Style({
    image: new ol.style.RegularShape({ points: 4, radius: 11, angle: Math.PI / 4,
      fill: new ol.style.Fill({ color: "#0b5cad" }), stroke: new ol.style.Stroke({ color: "#ffffff", width: 2 }) }),
  }));
  const communes = new ol.source.Vector({
    url: target.dataset.communesUrl,
    format: new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" }),
  });
  const map = new ol.Map({
    target,
    layers: [
      new ol.layer.Vector({ source: communes, style: new ol.style.Style({
        stroke: new ol.style.Stroke({ color: "#0b5cad", width: 1 }),
        fill: new ol.style.Fill({ color: "rgba(11, 92, 173, 0.05)" }) }) }),
      new ol.layer.Vector({ source: new ol.source.Vector({ features: [marker] }) }),
    ],
    view: new ol.View({ center: ol.proj.fromLonLat([5.04, 47.32]), zoom: 10 }),
  });

  function showTyped() {
    const lon = readNumber(lonInput), lat = readNumber(latInput);
    if (Number.isFinite(lon) && Number.isFinite(lat)) {
      marker.setGeometry(new ol.geom.Point(ol.proj.fromLonLat([lon, lat])));
      return true;
    }
    marker.setGeometry(undefined);
    return false;
  }

  communes.on("featuresloadend", () => {
    map.getView().fit(communes.getExtent(), { padding: [10, 10, 10, 10] });
    showTyped();
    target.dataset.loaded = "true";
  });
  map.on("singleclick", (event) => {
    const [lon, lat] = ol.proj.toLonLat(event.coordinate);
    lonInput.value = lon.toFixed(6);
    latInput.value = lat.toFixed(6);
    showTyped();
  });
  lonInput.addEventListener("input", showTyped);
  latInput.addEventListener("input", showTyped);
})();
