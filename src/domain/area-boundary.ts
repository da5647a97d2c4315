import { AppError } from './app-error';

/**
 * An area's outline on the map: a GeoJSON geometry (RFC 7946), Polygon or MultiPolygon, whose
 * positions are [longitude, latitude] in WGS 84, each ring closed (its last position repeats its
 * first). Stored on the area as given (less any altitude), drawn by the dashboard's map.
 */
export type Position = [number, number];
export type AreaBoundary = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** The boundary is not one the map can draw; the message says what to fix. */
export class BoundaryError extends AppError {}

/** A residential group or a ward needs a few hundred points at most; this keeps documents and the map's answer small. */
export const MAX_BOUNDARY_POSITIONS = 10_000;

/**
 * The boundary in a GeoJSON value: a Polygon or MultiPolygon geometry, or a Feature or a
 * FeatureCollection of one feature holding one (what geojson.io and QGIS export), checked: the
 * type, every ring closed with at least four positions, every longitude in [-180, 180] and
 * latitude in [-90, 90]. Throws BoundaryError naming the first problem.
 */
export function parseBoundary(value: unknown): AreaBoundary {
  const geometry = geometryOf(value);
  const type = geometry.type;
  if (type === 'Polygon') {
    const coordinates = polygon(geometry.coordinates, 'the polygon');
    return { type, coordinates: limited(coordinates, [coordinates]) };
  }
  if (type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0)
      throw new BoundaryError('a MultiPolygon needs at least one polygon');
    const coordinates = geometry.coordinates.map((p: unknown, i: number) => polygon(p, `polygon ${i + 1}`));
    return { type, coordinates: limited(coordinates, coordinates) };
  }
  throw new BoundaryError(`the geometry is a ${JSON.stringify(type)}: an area's boundary must be a Polygon or a MultiPolygon`);
}

type Obj = Record<string, unknown> & { type?: unknown; coordinates?: unknown };
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function geometryOf(value: unknown): Obj {
  if (!isObject(value)) throw new BoundaryError('the file does not hold a GeoJSON object');
  if (value.type === 'FeatureCollection') {
    const features = value.features;
    if (!Array.isArray(features) || features.length !== 1)
      throw new BoundaryError('a FeatureCollection must hold exactly one feature: the area (merge its parts into one MultiPolygon)');
    return geometryOf(features[0]);
  }
  if (value.type === 'Feature') {
    if (!isObject(value.geometry)) throw new BoundaryError('the feature has no geometry');
    return value.geometry;
  }
  return value;
}

function polygon(value: unknown, label: string): Position[][] {
  if (!Array.isArray(value) || value.length === 0) throw new BoundaryError(`${label} needs at least one ring (its outline)`);
  return value.map((ring, i) => closedRing(ring, `${label}, ring ${i + 1}`));
}

function closedRing(value: unknown, label: string): Position[] {
  if (!Array.isArray(value) || value.length < 4)
    throw new BoundaryError(`${label} needs at least four positions (three corners and the first again)`);
  const ring = value.map((p, i) => position(p, `${label}, position ${i + 1}`));
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1])
    throw new BoundaryError(`${label} is not closed: its last position must repeat its first, ${JSON.stringify(first)}`);
  return ring;
}

function position(value: unknown, label: string): Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n)))
    throw new BoundaryError(`${label} must be [longitude, latitude] in numbers`);
  const [lon, lat] = value as number[];
  if (lon < -180 || lon > 180) throw new BoundaryError(`${label}: longitude ${lon} is outside [-180, 180]`);
  // The commonest mistake: [latitude, longitude], as map sites show them. Vietnam's longitudes are over 100.
  if (lat < -90 || lat > 90)
    throw new BoundaryError(`${label}: latitude ${lat} is outside [-90, 90] (GeoJSON positions are [longitude, latitude])`);
  return [lon, lat];
}

function limited<T>(coordinates: T, polygons: Position[][][]): T {
  const count = polygons.reduce((sum, p) => sum + p.reduce((s, ring) => s + ring.length, 0), 0);
  if (count > MAX_BOUNDARY_POSITIONS)
    throw new BoundaryError(
      `the boundary has ${count} positions, more than ${MAX_BOUNDARY_POSITIONS}: simplify it (e.g. mapshaper -simplify)`,
    );
  return coordinates;
}
