// The case page's map: where the case was reported, over the borough's streets from our own
// gazetteer (no tile server needed). Read-only; the coordinates are also given as text.
/* global L */

function setup(wrapper) {
  const mapEl = wrapper.querySelector("[data-case-map]");
  if (!window.L || !mapEl) return;
  wrapper.hidden = false;
  L.Icon.Default.imagePath = new URL("../vendor/leaflet/images/", import.meta.url).href;
  const here = [Number(mapEl.dataset.lat), Number(mapEl.dataset.lon)];
  const map = L.map(mapEl, { keyboard: true, scrollWheelZoom: false }).setView(here, 17);
  if (mapEl.dataset.tiles) {
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19 }).addTo(map);
  }
  fetch(mapEl.dataset.streetsUrl)
    .then((r) => r.json())
    .then((geojson) => {
      L.geoJSON(geojson, {
        style: (f) => ({ color: f.properties.main ? "#d4351c" : "#505a5f", weight: f.properties.main ? 6 : 4 }),
        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name),
      }).addTo(map);
    })
    .catch(() => {});
  L.marker(here, { keyboard: false, title: mapEl.dataset.title }).addTo(map);
}

document.querySelectorAll("[data-case-map-wrapper]").forEach(setup);
