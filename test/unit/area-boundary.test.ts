import { BoundaryError, MAX_BOUNDARY_POSITIONS, parseBoundary } from '../../src/domain/area-boundary';
import { loadConfig } from '../../src/config';
import { securityHeaders } from '../../src/features/dashboard/web/security';

const ring = [
  [106.699, 10.776],
  [106.701, 10.776],
  [106.701, 10.778],
  [106.699, 10.776],
];

function refusal(value: unknown): string {
  try {
    parseBoundary(value);
  } catch (error) {
    expect(error).toBeInstanceOf(BoundaryError);
    return (error as Error).message;
  }
  throw new Error('the boundary was accepted');
}

describe('area boundaries (GeoJSON)', () => {
  it('takes a Polygon or MultiPolygon, bare or in a Feature or a one-feature collection, and drops altitudes', () => {
    expect(parseBoundary({ type: 'Polygon', coordinates: [ring] })).toEqual({ type: 'Polygon', coordinates: [ring] });
    const multi = { type: 'MultiPolygon', coordinates: [[ring], [ring.map(([lon, lat]) => [lon + 0.01, lat])]] };
    expect(parseBoundary({ type: 'Feature', properties: {}, geometry: multi })).toEqual(multi);
    const withAltitude = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring.map((p) => [...p, 12])] } }],
    };
    expect(parseBoundary(withAltitude)).toEqual({ type: 'Polygon', coordinates: [ring] });
  });

  it('refuses what the map could not draw, saying what to fix', () => {
    expect(refusal('POLYGON((1 2))')).toMatch(/not hold a GeoJSON object/);
    expect(refusal({ type: 'LineString', coordinates: ring })).toMatch(
      /"LineString": an area's boundary must be a Polygon or a MultiPolygon/,
    );
    expect(refusal({ type: 'Polygon', coordinates: [] })).toMatch(/at least one ring/);
    expect(refusal({ type: 'Polygon', coordinates: [ring.slice(0, 3)] })).toMatch(/at least four positions/);
    expect(refusal({ type: 'Polygon', coordinates: [[...ring.slice(0, 3), [106.7, 10.7]]] })).toMatch(/ring 1 is not closed/);
    expect(
      refusal({
        type: 'Polygon',
        coordinates: [
          [
            [200, 10],
            [201, 10],
            [201, 11],
            [200, 10],
          ],
        ],
      }),
    ).toMatch(/longitude 200 is outside/);
    expect(refusal({ type: 'Polygon', coordinates: [ring.map(([lon, lat]) => [lat, lon])] })).toMatch(/\[longitude, latitude\]/);
    expect(refusal({ type: 'Polygon', coordinates: [[['106', '10'], ...ring.slice(1)]] })).toMatch(
      /must be \[longitude, latitude\] in numbers/,
    );
    expect(refusal({ type: 'MultiPolygon', coordinates: [] })).toMatch(/at least one polygon/);
    expect(refusal({ type: 'FeatureCollection', features: [] })).toMatch(/exactly one feature/);
    const huge = Array.from({ length: MAX_BOUNDARY_POSITIONS + 1 }, (_, i) => [106 + i / 1e6, 10]);
    huge[huge.length - 1] = huge[0];
    expect(refusal({ type: 'Polygon', coordinates: [huge] })).toMatch(/simplify it/);
  });
});

describe('the map’s tile server setting', () => {
  const base = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
    CONTACT_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    KEY_HMAC_SECRET: Buffer.alloc(32, 9).toString('base64'),
  };

  it('adds the tile origin (subdomains as a wildcard) to the CSP img-src, and nothing without one', () => {
    const tiles = loadConfig({
      ...base,
      DASHBOARD_TILE_URL: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      DASHBOARD_TILE_ATTRIBUTION: '© X',
    }).dashboard.tiles;
    expect(tiles).toEqual({
      url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      attribution: '© X',
      origin: 'https://*.tile.example.org',
    });
    expect(securityHeaders({ tileOrigin: tiles!.origin })['content-security-policy']).toContain(
      "img-src 'self' data: https://*.tile.example.org;",
    );
    expect(loadConfig(base).dashboard.tiles).toBeUndefined();
    expect(securityHeaders()['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it('refuses a template without {z}/{x}/{y}, a non-http one, or one without its attribution', () => {
    expect(() =>
      loadConfig({ ...base, DASHBOARD_TILE_URL: 'https://tiles.example.org/tile.png', DASHBOARD_TILE_ATTRIBUTION: 'x' }),
    ).toThrow(/must contain \{z\}, \{x\} and \{y\}/);
    expect(() => loadConfig({ ...base, DASHBOARD_TILE_URL: 'javascript:alert(1)/{z}/{x}/{y}', DASHBOARD_TILE_ATTRIBUTION: 'x' })).toThrow(
      /http\(s\) URL template/,
    );
    expect(() => loadConfig({ ...base, DASHBOARD_TILE_URL: 'https://t.example.org/{z}/{x}/{y}.png' })).toThrow(
      /DASHBOARD_TILE_ATTRIBUTION/,
    );
  });
});
