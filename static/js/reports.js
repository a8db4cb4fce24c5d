/* The dashboards' maps: communes coloured by a figure (métropole), or one commune with its
   lit areas, dark stretches and CCTV sectors (commune). Plain script over the global `ol`. */
(function () {
  "use strict";
  var element = document.getElementById("report-map");
  if (!element || typeof ol === "undefined") { return; }
  var data = JSON.parse(element.dataset.choropleth);
  var format = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
  var communes = new ol.source.Vector({ features: format.readFeatures(data.communes) });
  var metricSelect = document.getElementById("metric");
  var legend = document.getElementById("report-legend");
  // Light to dark; for "lower is better" figures the ramp is reversed so dark is always worse.
  var RAMP = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var LOWER_IS_BETTER = { out_of_order: true, outage_hours: true, mean_repair_hours: true, p90_repair_hours: true,
                          backlog: true, backlog_mean_age_days: true };
  var styles = {};

  function metric() { return metricSelect ? metricSelect.value : "lit_share"; }

  function breaks(key) {
    var values = Object.keys(data.values).map(function (insee) { return data.values[insee][key]; })
      .filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    if (!values.length) { return null; }
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return values[Math.min(values.length - 1, Math.floor(q * values.length))]; })
      .concat([values[values.length - 1]]).concat([values[0]]);
  }

  function classOf(value, cuts) {
    for (var i = 0; i < 4; i += 1) { if (value < cuts[i]) { return i; } }
    return 4;
  }

  function communeStyle(feature) {
    var key = metric();
    var cuts = breaks(key);
    var insee = feature.get("insee");
    var value = data.values[insee] ? data.values[insee][key] : null;
    var fill = "#eeeeee";
    if (cuts && value !== null && value !== undefined) {
      var k = classOf(value, cuts);
      fill = RAMP[LOWER_IS_BETTER[key] ? k : k];
    }
    var id = fill + (element.dataset.coverageUrl ? "c" : "");
    if (!styles[id]) {
      styles[id] = new ol.style.Style({
        fill: new ol.style.Fill({ color: element.dataset.coverageUrl ? "rgba(255,255,255,0)" : fill }),
        stroke: new ol.style.Stroke({ color: "#555", width: 1 })
      });
    }
    return styles[id];
  }

  var layers = [new ol.layer.Vector({ source: communes, style: communeStyle })];
  var coverageStyles = {
    lit: new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(255, 191, 0, 0.55)" }) }),
    cctv: new ol.style.Style({ fill: new ol.style.Fill({ color: "rgba(31, 120, 180, 0.35)" }),
                               stroke: new ol.style.Stroke({ color: "#1f78b4", width: 1 }) }),
    dark: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#b2182b", width: 3 }) })
  };
  if (element.dataset.coverageUrl) {
    layers.unshift(new ol.layer.Vector({
      source: new ol.source.Vector({ url: element.dataset.coverageUrl, format: format }),
      style: function (feature) { return coverageStyles[feature.get("layer")]; }
    }));
  }
  var map = new ol.Map({ target: element, layers: layers, view: new ol.View({ center: [0, 0], zoom: 2 }) });
  map.getView().fit(communes.getExtent(), { padding: [10, 10, 10, 10] });

  var tooltip = document.createElement("div");
  tooltip.className = "report-tooltip";
  map.addOverlay(new ol.Overlay({ element: tooltip, offset: [12, 0], positioning: "center-left", id: "tip" }));
  map.on("pointermove", function (event) {
    var feature = map.forEachFeatureAtPixel(event.pixel, function (f) { return f.get("insee") ? f : null; });
    var overlay = map.getOverlayById("tip");
    if (!feature) { overlay.setPosition(undefined); return; }
    var insee = feature.get("insee");
    var text = data.texts[insee] ? data.texts[insee][metric()] : element.dataset.noData;
    tooltip.textContent = data.names[insee] + " : " + text;
    overlay.setPosition(event.coordinate);
    element.style.cursor = data.links[insee] && !element.dataset.coverageUrl ? "pointer" : "";
  });
  map.on("click", function (event) {
    if (element.dataset.coverageUrl) { return; }
    var feature = map.forEachFeatureAtPixel(event.pixel, function (f) { return f.get("insee") ? f : null; });
    if (feature && data.links[feature.get("insee")]) { window.location.href = data.links[feature.get("insee")]; }
  });

  function drawLegend() {
    if (!legend) { return; }
    legend.textContent = "";
    if (element.dataset.coverageUrl) {
      [["lit", element.dataset.legendLit, "#ffbf00"], ["dark", element.dataset.legendDark, "#b2182b"],
       ["cctv", element.dataset.legendCctv, "#1f78b4"]].forEach(function (item) {
        var span = document.createElement("span");
        span.className = "legend-item";
        span.innerHTML = '<i style="background:' + item[2] + '"></i>';
        span.appendChild(document.createTextNode(item[1]));
        legend.appendChild(span);
      });
      return;
    }
    var key = metric();
    var cuts = breaks(key);
    if (!cuts) { legend.textContent = element.dataset.noData; return; }
    var texts = {};
    Object.keys(data.values).forEach(function (insee) { texts[data.values[insee][key]] = data.texts[insee][key]; });
    var bounds = [cuts[5]].concat(cuts.slice(0, 4));
    for (var i = 0; i < 5; i += 1) {
      var span = document.createElement("span");
      span.className = "legend-item";
      span.innerHTML = '<i style="background:' + RAMP[i] + '"></i>';
      span.appendChild(document.createTextNode("≥ " + (texts[bounds[i]] || bounds[i])));
      legend.appendChild(span);
    }
  }
  if (metricSelect) {
    metricSelect.addEventListener("change", function () { styles = {}; layers[0].changed(); drawLegend(); });
  }
  drawLegend();
  element.dataset.ready = "true";
}());
