import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Versions below these have advisories that affect us (docs/dependency-review.md). npm audit
 * cannot run here, and may not report sift's at all, so the floor is checked on what is installed.
 */
const FLOORS: Record<string, string> = {
  // CVE-2026-85625 (critical); mongoose 8 pins 17.1.3, package.json overrides it.
  sift: '17.1.4',
  // CVE-2026-12143 (CRLF injection), reached through axios.
  'form-data': '4.0.6',
  // The 2026 advisories up to CVE-2026-67320 and the CVE-2026-1019xx set.
  axios: '1.20.0',
};

function installed(name: string): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function atLeast(version: string, floor: string): boolean {
  const a = version.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

describe('production dependencies stay above known advisories', () => {
  it.each(Object.entries(FLOORS))('%s is at least %s', (name, floor) => {
    expect({ name, version: installed(name), ok: atLeast(installed(name), floor) }).toMatchObject({ ok: true });
  });

  it('compares versions by number, not by text', () => {
    expect(atLeast('17.1.10', '17.1.4')).toBe(true);
    expect(atLeast('17.1.3', '17.1.4')).toBe(false);
    expect(atLeast('4.0.6', '4.0.6')).toBe(true);
  });
});
