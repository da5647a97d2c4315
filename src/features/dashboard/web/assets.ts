import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The dashboard's browser files, served by the app itself (no CDN, nothing fetched from elsewhere):
 * this feature's own (browser/: the stylesheet, the live-updates script and the map's script and
 * styles, plain CSS and JavaScript the browser runs as they are, so there is nothing to build; the
 * Dockerfile copies the folder next to the compiled code), and Leaflet and its marker-cluster
 * plugin exactly as npm installed them (package.json pins 1.9.4 and 1.5.3). Read once, when the
 * routes are registered.
 */
export interface StaticFile {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};

/** Under /dashboard/assets/vendor/: the URL's path → the package and its file. */
const VENDOR: Record<string, [pkg: string, file: string]> = {
  'leaflet/leaflet.js': ['leaflet', 'dist/leaflet.js'],
  'leaflet/leaflet.css': ['leaflet', 'dist/leaflet.css'],
  // leaflet.css points at these (the layers control and the default marker, unused here but not left broken).
  'leaflet/images/layers.png': ['leaflet', 'dist/images/layers.png'],
  'leaflet/images/layers-2x.png': ['leaflet', 'dist/images/layers-2x.png'],
  'leaflet/images/marker-icon.png': ['leaflet', 'dist/images/marker-icon.png'],
  'leaflet/images/marker-icon-2x.png': ['leaflet', 'dist/images/marker-icon-2x.png'],
  'leaflet/images/marker-shadow.png': ['leaflet', 'dist/images/marker-shadow.png'],
  'leaflet.markercluster/leaflet.markercluster.js': ['leaflet.markercluster', 'dist/leaflet.markercluster.js'],
  'leaflet.markercluster/MarkerCluster.css': ['leaflet.markercluster', 'dist/MarkerCluster.css'],
  'leaflet.markercluster/MarkerCluster.Default.css': ['leaflet.markercluster', 'dist/MarkerCluster.Default.css'],
};

export const VENDOR_PREFIX = '/dashboard/assets/vendor/';
export const MAP_SCRIPT = '/dashboard/assets/map.js';
const MAP_STYLES = '/dashboard/assets/map.css';
/** On every page (web/pages.ts layout). */
export const DASHBOARD_STYLES = '/dashboard/assets/dashboard.css';
export const LIVE_SCRIPT = '/dashboard/assets/live.js';

function file(path: string): StaticFile {
  return { type: TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body: readFileSync(path) };
}

/** Every file the pages load, by its URL path. */
export function dashboardAssets(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const [url, [pkg, path]] of Object.entries(VENDOR)) {
    files.set(`${VENDOR_PREFIX}${url}`, file(join(dirname(require.resolve(`${pkg}/package.json`)), path)));
  }
  files.set(MAP_SCRIPT, file(join(__dirname, 'browser', 'map.js')));
  files.set(MAP_STYLES, file(join(__dirname, 'browser', 'map.css')));
  files.set(DASHBOARD_STYLES, file(join(__dirname, 'browser', 'dashboard.css')));
  files.set(LIVE_SCRIPT, file(join(__dirname, 'browser', 'live.js')));
  return files;
}

/** What the map page links, in order: Leaflet before its plugin, then ours. */
export const MAP_PAGE_ASSETS = {
  styles: [
    `${VENDOR_PREFIX}leaflet/leaflet.css`,
    `${VENDOR_PREFIX}leaflet.markercluster/MarkerCluster.css`,
    `${VENDOR_PREFIX}leaflet.markercluster/MarkerCluster.Default.css`,
    MAP_STYLES,
  ],
  scripts: [`${VENDOR_PREFIX}leaflet/leaflet.js`, `${VENDOR_PREFIX}leaflet.markercluster/leaflet.markercluster.js`, MAP_SCRIPT],
};
