/*
 * The dashboard's map, run in the browser as it is (no build step). web/map-page.ts renders its
 * element with the settings in data-* attributes (the Content-Security-Policy runs no inline
 * script); web/map-routes.ts serves this file, Leaflet and leaflet.markercluster (loaded before
 * it) and the data: the areas (outline or none, hotspot or not) and the located cases of the
 * page's filters. Everything shown is written with textContent, never as markup.
 */
(function () {
  'use strict';
  var el = document.getElementById('case-map');
  if (!el || !window.L) return;
  var L = window.L;
  var labels = JSON.parse(el.getAttribute('data-labels') || '{}');
  var langParam = el.getAttribute('data-lang-param');
  var locale = document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN';
  // The stylesheet's status colours (contrast of at least 4.5:1 on white).
  var COLOURS = { new: '#a4000f', acknowledged: '#7a4d00', resolved: '#1b5e20' };

  // maxZoom on the map itself: without a tile layer none would set it, and the clusters need one.
  var map = L.map(el, { zoomControl: false, center: [16, 106], zoom: 5, minZoom: 3, maxZoom: 19, zoomSnap: 0.5 });
  L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut }).addTo(map);
  var tiles = el.getAttribute('data-tiles');
  if (tiles) L.tileLayer(tiles, { attribution: el.getAttribute('data-attribution') || '', maxZoom: 19 }).addTo(map);

  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function popup(c) {
    var box = node('div', 'case-popup');
    var link = node('a', 'ref', c.refCode);
    link.href = el.getAttribute('data-case-base') + encodeURIComponent(c.refCode) + (langParam ? '?lang=' + langParam : '');
    box.appendChild(link);
    box.appendChild(
      node('p', null, (labels.status[c.status] || c.status) + ' · ' + (labels.category[c.kind + '.' + c.category] || c.category)),
    );
    var when = new Date(c.submittedAt).toLocaleString(locale, { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
    box.appendChild(node('p', null, labels.submitted + ': ' + when));
    return box;
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var inner = node('div');
    var count = node('span', null, String(n));
    count.appendChild(node('span', 'visually-hidden', ' ' + labels.cases));
    inner.appendChild(count);
    var size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
    return L.divIcon({ html: inner, className: 'marker-cluster marker-cluster-' + size, iconSize: L.point(40, 40) });
  }

  function draw(data) {
    var bounds = L.latLngBounds([]);
    data.areas.forEach(function (a) {
      if (!a.boundary) return;
      var outline = L.geoJSON(a.boundary, {
        style: {
          className: 'area-outline' + (a.hotspot ? ' hotspot' : ''),
          color: a.hotspot ? '#a4000f' : '#0b3d6e',
          weight: a.hotspot ? 4 : 2,
          dashArray: a.hotspot ? '8 6' : null,
          fillColor: a.hotspot ? '#a4000f' : '#0b3d6e',
          fillOpacity: a.hotspot ? 0.12 : 0.04,
        },
      });
      outline.bindTooltip(a.name + (a.hotspot ? ' · ' + labels.hotspot : ''), { sticky: true });
      outline.addTo(map);
      bounds.extend(outline.getBounds());
    });
    var clusters = L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 40 });
    data.cases.forEach(function (c) {
      var marker = L.circleMarker([c.lat, c.lon], {
        radius: 8,
        color: '#ffffff',
        weight: 2,
        fillColor: COLOURS[c.status] || '#333333',
        fillOpacity: 1,
        className: 'case-marker status-' + c.status,
      });
      marker.bindPopup(function () {
        return popup(c);
      });
      clusters.addLayer(marker);
      bounds.extend([c.lat, c.lon]);
    });
    // Fitted before the markers go on, without animation: the clusters are made once, at the final zoom.
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18, animate: false });
    map.addLayer(clusters);
    el.setAttribute('data-state', 'ready');
  }

  function failed(error) {
    if (window.console) window.console.error(error);
    var note = node('p', 'notice', labels.loadError);
    note.setAttribute('role', 'alert');
    el.parentNode.insertBefore(note, el);
    el.setAttribute('data-state', 'failed');
  }

  fetch(el.getAttribute('data-src'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (r) {
      if (!r.ok) throw new Error('map data: ' + r.status);
      return r.json();
    })
    .then(draw)
    .catch(failed);
})();
