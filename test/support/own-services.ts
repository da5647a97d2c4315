import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A redis-server or FerretDB of a test's own, on its own port and data folder, that the test may
 * stop and start again (same port, same data) to see what the app does while it is away. Started
 * the way scripts/services starts the shared ones: Redis with the append-only file on, FerretDB
 * 1.24 with its SQLite backend from .local/bin.
 */

const ROOT = join(__dirname, '..', '..');

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

  /** FerretDB 1.24 on SQLite, as scripts/services runs it. */
  static async ferretdb(): Promise<OwnService> {
    const port = await freePort();
    const dir = dataDir('own-ferretdb-');
    mkdirSync(join(dir, 'data'));
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/data/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ];
    const service = new OwnService('FerretDB', port, dir, join(ROOT, '.local', 'bin', 'ferretdb'), args);
    await service.start();
    return service;
  }

  get url(): string {
    return this.name === 'redis-server' ? `redis://127.0.0.1:${this.port}` : `mongodb://127.0.0.1:${this.port}`;
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
    child.kill('SIGKILL');
    throw new Error(`${this.name} did not open port ${this.port}:\n${this.output}`);
  }

  /**
   * Stops the process and waits for it to exit: SIGTERM is a clean shutdown (Redis writes out its
   * append-only file), SIGKILL a crash.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
    // The port must be free again before a restart can take it.
    for (let i = 0; i < 50 && (await portOpen(this.port)); i++) await new Promise((r) => setTimeout(r, 100));
  }

  /** Stops the process and removes its data folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
