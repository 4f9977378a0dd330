// Map pin for location questions. Without JavaScript the street/postcode box does the job;
// with it, people can tap the map or use their device's position. The borough's streets are
// drawn from our own gazetteer, so the map works with no tile server at all.
/* global L */

function setup(container) {
  const wrapper = container.querySelector("[data-map-wrapper]");
  const mapEl = container.querySelector("[data-map]");
  const latInput = container.querySelector("[data-lat]");
  const lonInput = container.querySelector("[data-lon]");
  const status = container.querySelector("[data-location-status]");
  const locate = container.querySelector("[data-use-my-location]");
  if (!window.L || !mapEl) return;

  wrapper.hidden = false;
  L.Icon.Default.imagePath = new URL("../vendor/leaflet/images/", import.meta.url).href;
  const centre = [Number(container.dataset.centreLat), Number(container.dataset.centreLon)];
  const map = L.map(mapEl, { keyboard: true }).setView(centre, 15);
  if (container.dataset.tiles) {
    L.tileLayer(container.dataset.tiles, { maxZoom: 19 }).addTo(map);
  }
  fetch(container.dataset.streetsUrl)
    .then((r) => r.json())
    .then((geojson) => {
      const streets = L.geoJSON(geojson, {
        style: (f) => ({ color: f.properties.main ? "#d4351c" : "#505a5f", weight: f.properties.main ? 6 : 4 }),
        onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name),
      }).addTo(map);
      // Chromium makes an SVG line with focus listeners (the tooltip's) a Tab stop: without
      // this, a keyboard user tabs through every street of the borough, with no visible focus.
      // The street search below the map is the keyboard's way in; the pin moves with the arrows.
      streets.eachLayer((layer) => layer.getElement()?.setAttribute("tabindex", "-1"));
      // Show the whole borough until a pin is placed.
      if (!marker && streets.getBounds().isValid()) map.fitBounds(streets.getBounds());
    })
    .catch(() => {});

  let marker = null;
  const place = (lat, lon, message) => {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, keyboard: true, title: "Pin" }).addTo(map);
      marker.on("dragend", () => {
        const p = marker.getLatLng();
        place(p.lat, p.lng, "Pin moved.");
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
    status.textContent = message || "Pin placed. Press Continue when it is in the right place.";
  };

  if (latInput.value && lonInput.value) {
    place(Number(latInput.value), Number(lonInput.value), "Your pin is shown on the map.");
    map.setView([Number(latInput.value), Number(lonInput.value)], 17);
  } else if (container.dataset.suggestedLat) {
    const lat = Number(container.dataset.suggestedLat);
    const lon = Number(container.dataset.suggestedLon);
    place(lat, lon, "We have put the pin where your photo was taken.");
    map.setView([lat, lon], 17);
  }

  map.on("click", (e) => place(e.latlng.lat, e.latlng.lng));
  mapEl.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      const c = map.getCenter();
      place(c.lat, c.lng);
      e.preventDefault();
    }
  });

  if (!("geolocation" in navigator)) {
    locate.hidden = true;
  }
  locate.addEventListener("click", () => {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        place(pos.coords.latitude, pos.coords.longitude, "Pin placed at your location.");
        map.setView([pos.coords.latitude, pos.coords.longitude], 17);
      },
      () => {
        status.textContent = "We could not find your location. Tap the map or enter a street instead.";
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
}

document.querySelectorAll("[data-location-picker]").forEach(setup);
