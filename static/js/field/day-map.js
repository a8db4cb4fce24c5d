// The day's map: communes, streets and assets from the site's vector tiles (kept by the
// service worker for the day's area), the day's stops numbered in visiting order, and
// where the tablet is. Touching a stop opens its mission sheet.
(function () {
  "use strict";
  // Precached zooms of each layer (assets are drawn one by one from zoom 17, where the
  // tiles carry every asset; below, the tiles carry counts, not drawn here).
  const TILE_LAYERS = { communes: [10, 15], road_segments: [12, 16], assets: [17, 17] };
  const MAX_PRECACHED_TILES = 400; // per layer, for the day's box
  const MARGIN_DEG = 0.004; // ~300 m around the box

  function create(target, tilesUrl, onStop) {
    const tiles = (layer, style, minZoom, maxZoom) => new ol.layer.VectorTile({
      source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: `${tilesUrl}/${layer}/{z}/{x}/{y}.mvt`,
        maxZoom }),
      style, minZoom, declutter: false,
    });
    const communes = tiles("communes", new ol.style.Style({
      stroke: new ol.style.Stroke({ color: "#0b3d6e", width: 2 }),
      fill: new ol.style.Fill({ color: "rgba(11, 61, 110, 0.04)" }) }), 8, 15);
    const streets = tiles("road_segments", new ol.style.Style({
      stroke: new ol.style.Stroke({ color: "#8a96a3", width: 2 }) }), 12, 16);
    const assetDot = new ol.style.Style({ image: new ol.style.Circle({ radius: 4,
      fill: new ol.style.Fill({ color: "#4f5d6b" }), stroke: new ol.style.Stroke({ color: "#ffffff", width: 1 }) }) });
    const assets = tiles("assets", (feature) => feature.get("layer") === "assets" ? assetDot : null, 16.99, 17);

    const stops = new ol.source.Vector();
    const stopStyle = (feature) => new ol.style.Style({
      image: new ol.style.Circle({ radius: 20, fill: new ol.style.Fill({ color: feature.get("colour") }),
        stroke: new ol.style.Stroke({ color: "#ffffff", width: 3 }) }),
      text: new ol.style.Text({ text: String(feature.get("rank")), font: "700 18px 'DejaVu Sans', sans-serif",
        fill: new ol.style.Fill({ color: "#ffffff" }) }),
    });
    const route = new ol.source.Vector();
    const me = new ol.source.Vector();
    const map = new ol.Map({
      target,
      layers: [communes, streets, assets,
        new ol.layer.Vector({ source: route, style: new ol.style.Style({
          stroke: new ol.style.Stroke({ color: "#0b3d6e", width: 3, lineDash: [8, 8] }) }) }),
        new ol.layer.Vector({ source: stops, style: stopStyle, zIndex: 10 }),
        new ol.layer.Vector({ source: me, zIndex: 9, style: new ol.style.Style({ image: new ol.style.Circle({
          radius: 9, fill: new ol.style.Fill({ color: "#1a73e8" }), stroke: new ol.style.Stroke({ color: "#fff", width: 3 }) }) }) }),
      ],
      view: new ol.View({ center: ol.proj.fromLonLat([5.04, 47.32]), zoom: 12, maxZoom: 19 }),
      controls: ol.control.defaults.defaults({ rotate: false }).extend([new ol.control.ScaleLine()]),
    });
    map.on("click", (event) => {
      const hit = map.forEachFeatureAtPixel(event.pixel, (f) => (f.get("interventionId") ? f : null), { hitTolerance: 8 });
      if (hit) onStop(hit.get("interventionId"));
    });

    function show(sheets, colours) {
      stops.clear();
      route.clear();
      const coordinates = sheets.map((s) => ol.proj.fromLonLat([s.longitude, s.latitude]));
      sheets.forEach((sheet, index) => stops.addFeature(new ol.Feature({ geometry: new ol.geom.Point(coordinates[index]),
        interventionId: sheet.id, rank: index + 1, colour: colours(sheet) })));
      if (coordinates.length > 1) route.addFeature(new ol.Feature(new ol.geom.LineString(coordinates)));
      if (coordinates.length) {
        map.getView().fit(ol.extent.boundingExtent(coordinates), { padding: [60, 60, 60, 60], maxZoom: 15, duration: 0 });
      }
    }

    function showPosition(longitude, latitude) {
      me.clear();
      me.addFeature(new ol.Feature(new ol.geom.Point(ol.proj.fromLonLat([longitude, latitude]))));
    }

    return { map, show, showPosition, updateSize: () => map.updateSize() };
  }

  // The tile URLs covering the day's box (EPSG:4326) at each layer's zooms, at most
  // MAX_PRECACHED_TILES a layer (the deepest zooms are left out first), and the detail
  // tiles right around each stop.
  function tileUrls(tilesUrl, bbox, points) {
    if (!bbox) return [];
    const [minLon, minLat, maxLon, maxLat] = [bbox[0] - MARGIN_DEG, bbox[1] - MARGIN_DEG, bbox[2] + MARGIN_DEG,
      bbox[3] + MARGIN_DEG];
    const urls = [];
    for (const [layer, [fromZoom, toZoom]] of Object.entries(TILE_LAYERS)) {
      let count = 0;
      for (let z = fromZoom; z <= toZoom; z += 1) {
        const [x0, y0] = tileOf(minLon, maxLat, z);
        const [x1, y1] = tileOf(maxLon, minLat, z);
        const size = (x1 - x0 + 1) * (y1 - y0 + 1);
        if (count + size > MAX_PRECACHED_TILES) break;
        count += size;
        for (let x = x0; x <= x1; x += 1) for (let y = y0; y <= y1; y += 1) urls.push(`${tilesUrl}/${layer}/${z}/${x}/${y}.mvt`);
      }
    }
    const detail = TILE_LAYERS.assets[1];
    for (const [lon, lat] of points) {
      const [x, y] = tileOf(lon, lat, detail);
      for (let dx = -1; dx <= 1; dx += 1) for (let dy = -1; dy <= 1; dy += 1) {
        urls.push(`${tilesUrl}/assets/${detail}/${x + dx}/${y + dy}.mvt`);
      }
    }
    return [...new Set(urls)];
  }

  function tileOf(lon, lat, z) {
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const rad = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
  }

  window.fieldMap = { create, tileUrls };
})();
