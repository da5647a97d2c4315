import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A redis-server or database of a test's own, on its own port and data folder, that the test may
 * stop and start again (same port, same data) to see what the app does while it is away. Started
 * the way scripts/services starts the shared ones: Redis with the append-only file on; FerretDB
 * 1.24 from .local/bin on a PostgreSQL of its own (or on SQLite with LOCAL_DATABASE=sqlite).
 */

const ROOT = join(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;

/** Debian keeps PostgreSQL's server programs under /usr/lib/postgresql/<major>/bin, off PATH. */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) if (existsSync(join(base, major, 'bin', 'postgres'))) return join(base, major, 'bin');
  throw new Error('PostgreSQL server programs not found under /usr/lib/postgresql: run scripts/setup');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function dataDir(prefix: string): string {
  mkdirSync(join(ROOT, '.local', 'run'), { recursive: true });
  return mkdtempSync(join(ROOT, '.local', 'run', prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server process that can be stopped and started again on the same port and data folder. */
export class OwnService {
  private child?: ChildProcess;
  private output = '';
  /** The PostgreSQL a FerretDB keeps its data in, destroyed with it. */
  backing?: OwnService;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly dir: string,
    private readonly command: string,
    private readonly args: string[],
  ) {}

  /** redis-server with `--appendonly yes` (appendfsync everysec, as docker-compose.yml runs it). */
  static async redis(): Promise<OwnService> {
    const port = await freePort();
    const dir = dataDir('own-redis-');
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
    ];
    const service = new OwnService('redis-server', port, dir, 'redis-server', args);
    await service.start();
    return service;
  }

  /**
   * PostgreSQL with a data folder of its own (initdb'd here, owned by the postgres user when we are
   * root), listening on loopback only, as scripts/services runs it.
   */
  static async postgresql(): Promise<OwnService> {
    const bin = postgresBin();
    const port = await freePort();
    let dir = dataDir('own-postgresql-');
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, uid, gid);
      // A checkout in a folder closed to other users (as `mktemp -d` makes them) is out of the
      // postgres user's reach: its data then goes in a folder of its own under the system's tmp.
      if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]).status !== 0) {
        rmSync(dir, { recursive: true, force: true });
        dir = mkdtempSync(join(tmpdir(), 'totuquan-own-postgresql-'));
        chownSync(dir, uid, gid);
      }
    }
    const data = join(dir, 'data');
    const [initdb, initArgs] = asPostgres(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    execFileSync(initdb, initArgs, { stdio: 'pipe' });
    const [command, args] = asPostgres(join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir.length > 90 ? '' : dir}`,
      '-c',
      'autovacuum_naptime=10s',
    ]);
    const service = new OwnService('PostgreSQL', port, dir, command, args);
    await service.start();
    return service;
  }

  /**
   * FerretDB 1.24 as scripts/services runs it: on a PostgreSQL of its own (`backing`; stop and
   * start act on FerretDB alone, destroy on both), or on SQLite with LOCAL_DATABASE=sqlite.
   */
  static async ferretdb(): Promise<OwnService> {
    const backing = process.env.LOCAL_DATABASE === 'sqlite' ? undefined : await OwnService.postgresql();
    const port = await freePort();
    const dir = dataDir('own-ferretdb-');
    mkdirSync(join(dir, 'data'));
    const args = [
      ...(backing ? ['--handler=postgresql', `--postgresql-url=${backing.url}`] : ['--handler=sqlite', `--sqlite-url=file:${dir}/data/`]),
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ];
    const service = new OwnService('FerretDB', port, dir, join(ROOT, '.local', 'bin', 'ferretdb'), args);
    service.backing = backing;
    try {
      await service.start();
    } catch (error) {
      await backing?.destroy();
      throw error;
    }
    return service;
  }

  get url(): string {
    if (this.name === 'redis-server') return `redis://127.0.0.1:${this.port}`;
    if (this.name === 'PostgreSQL') return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
    return `mongodb://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves once its port accepts connections (at most 30 s). */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.command, this.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (c: Buffer) => (this.output = (this.output + c.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.child === child) this.child = undefined;
    });
    for (let i = 0; i < 150; i++) {
      if (await portOpen(this.port)) return;
      if (exited) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    this.signal(child, 'SIGKILL');
    throw new Error(`${this.name} did not open port ${this.port}:\n${this.output}`);
  }

  /**
   * Stops the process and waits for it to exit: SIGTERM is a clean shutdown (Redis writes out its
   * append-only file, PostgreSQL makes a checkpoint), SIGKILL a crash of all its processes.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal(child, signal);
    const timer = setTimeout(() => this.signal(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
    // The port must be free again before a restart can take it.
    for (let i = 0; i < 50 && (await portOpen(this.port)); i++) await new Promise((r) => setTimeout(r, 100));
  }

  private signal(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
    const postmaster = this.name === 'PostgreSQL' ? postmasterPid(this.dir) : undefined;
    // PostgreSQL's processes each lead a process group of their own, so a crash is the postmaster
    // and each of its children killed by pid (the postmaster first, or it would restart them).
    // Not runuser, their parent here: it reaps the postmaster and exits; killed first, it would
    // leave a dead postmaster to an init that may never reap it, and PostgreSQL refuses to start
    // while that pid exists.
    const pids = signal === 'SIGKILL' && postmaster ? [postmaster, ...childrenOf(postmaster)] : [child.pid!];
    for (const pid of pids) {
      try {
        if (signal === 'SIGKILL') process.kill(pid, 'SIGKILL');
        else process.kill(postmaster ?? pid, postmaster ? 'SIGINT' : signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** Stops the process and removes its data folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    await this.backing?.destroy();
  }
}

/**
 * PostgreSQL's own process, the first line of postmaster.pid: as root we start `runuser`, and
 * PostgreSQL's fast shutdown is SIGINT to the postmaster (SIGTERM would wait for every client).
 */
function postmasterPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The processes whose parent is pid (from /proc; Linux only, as PostgreSQL here is). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return children;
}
