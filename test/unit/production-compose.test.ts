import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/**
 * docker-compose.yml is what operators run in production (issue 16). No Docker engine runs here,
 * so its promises are checked on the file itself: images pinned to a release, Redis 7.4.6 or later
 * with a password, MongoDB with users and a replica key, the app connecting with credentials,
 * nothing published beyond 127.0.0.1 but Caddy's HTTPS, every log capped, and every secret it reads
 * from .env named in .env.example. docs/ops/Caddyfile keeps /metrics inside.
 */
const root = join(__dirname, '..', '..');
const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  healthcheck?: unknown;
}
const compose = load(text) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

describe('docker-compose.yml for production', () => {
  it('pins every image it pulls to a release (major.minor.patch), and Redis to 7.4.6 or later', () => {
    for (const [name, s] of services) {
      if (s.build !== undefined) continue;
      expect([name, s.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:v?\d+\.\d+\.\d+$/)]);
    }
    const [major, minor, patch] = compose.services.redis.image!.split(':')[1].split('.').map(Number);
    expect(major * 10_000 + minor * 100 + patch).toBeGreaterThanOrEqual(7 * 10_000 + 4 * 100 + 6);
  });

  it('gives Redis a password and MongoDB users and a replica key, and the app connects with them', () => {
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--requirepass']));
    expect(compose.services.redis.command![compose.services.redis.command!.indexOf('--requirepass') + 1]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(compose.services.mongo.command).toEqual(expect.arrayContaining(['--keyFile']));
    expect(Object.keys(compose.services.mongo.environment!)).toEqual(
      expect.arrayContaining(['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD', 'MONGO_REPLICA_KEY']),
    );
    for (const role of ['bot', 'worker']) {
      const env = compose.services[role].environment!;
      expect(env.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD\}@redis:6379$/);
      expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/\$\{MONGO_APP_USER\}:\$\{MONGO_APP_PASSWORD\}@mongo:27017\//);
    }
    expect(readFileSync(join(root, 'docs', 'ops', 'mongo-init.js'), 'utf8')).toMatch(/createUser[\s\S]*readWrite/);
  });

  it('publishes nothing beyond 127.0.0.1 but Caddy’s 80 and 443, which keeps /metrics inside', () => {
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) {
        if (name === 'caddy') expect(port).toMatch(/^(80:80|443:443(\/udp)?)$/);
        else expect([name, port]).toEqual([name, expect.stringMatching(/^(127\.0\.0\.1|\$\{BOT_BIND:-127\.0\.0\.1\}):/)]);
      }
    }
    const caddyfile = readFileSync(join(root, 'docs', 'ops', 'Caddyfile'), 'utf8');
    expect(caddyfile).toMatch(/@internal path \/metrics/);
    expect(caddyfile).toMatch(/respond @internal 404/);
  });

  it('caps every container’s log', () => {
    for (const [name, s] of services) {
      expect([name, s.logging?.options?.['max-size']]).toEqual([name, expect.stringMatching(/^\d+m$/)]);
      expect(Number(s.logging?.options?.['max-file'])).toBeGreaterThan(0);
    }
  });

  it('names in .env.example every setting it reads from .env', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    for (const name of used) expect([name, example]).toEqual([name, expect.stringMatching(new RegExp(`^#? ?${name}=`, 'm'))]);
  });
});
