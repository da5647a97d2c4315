import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';

/** What the figures were measured on, for docs/benchmarks.md and docs/faults.md. */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  redis: string;
  database: string;
  summary: string;
}

export async function machine(): Promise<Machine> {
  const cores = cpus().length;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round((totalmem() / 2 ** 30) * 10) / 10;
  let redis = 'unknown';
  if (process.env.REDIS_URL) {
    const client = new IORedis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      redis = `Redis ${/redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? '?'}`;
    } catch {
      redis = 'Redis (not reachable)';
    } finally {
      client.disconnect();
    }
  }
  let database = `MongoDB-compatible server at ${(process.env.MONGODB_URI ?? '').replace(/\/\/[^@/]*@/, '//***@')}`;
  try {
    const out = execFileSync(join(__dirname, '..', '..', '.local', 'bin', 'ferretdb'), ['--version'], { encoding: 'utf8' });
    const version = /Version:\s*(\S+)/i.exec(out)?.[1];
    const backend = process.env.LOCAL_DATABASE === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (version && /127\.0\.0\.1|localhost/.test(process.env.MONGODB_URI ?? ''))
      database = `FerretDB ${version} (${backend} backend, patched)`;
  } catch {
    // No local FerretDB: the URI names some other server.
  }
  const node = process.version;
  // Other work on the machine takes cores from the figures: the load average says how much.
  const load = loadavg()[0].toFixed(1);
  return {
    cores,
    cpu,
    memoryGiB,
    node,
    redis,
    database,
    summary: `${cores} cores (${cpu}), ${memoryGiB} GiB memory, Node ${node}, ${redis}, ${database}; load average ${load} at the start`,
  };
}
