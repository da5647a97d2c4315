/**
 * The stage profile's instruments: every Redis command, every database command and every chat
 * platform call made in this process is counted and timed against the stage it ran in. A stage is
 * an AsyncLocalStorage value: set around a bot update by the benchmark (`inStage`) and around each
 * BullMQ job by a wrapper of `Worker.prototype.processJob` (so the job's own fetch-and-finish
 * scripts count with it). What runs outside any stage (timers, blocking fetches of idle workers)
 * is kept under "other".
 *
 * Patched at the libraries' lowest shared points so nothing in src/ knows about it:
 * ioredis `Redis.prototype.sendCommand` (a pipeline's commands carry a stream flagged `isPipeline`:
 * one round trip per pipeline, however many commands), the MongoDB driver's
 * `Connection.prototype.command` (one wire round trip per call: what mongoose and our store
 * really send) and telegraf's `ApiClient.prototype.callApi`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { ROOT } from './kit';

export interface StageTally {
  redisRoundTrips: number;
  redisInFlight: number;
  redisSince: number;
  redisCommands: number;
  redisMs: number;
  dbOps: number;
  dbMs: number;
  apiCalls: number;
  apiMs: number;
  /** Wall time spent inside the stage (sum over its runs), and how many runs. */
  wallMs: number;
  runs: number;
  commands: Map<string, number>;
}

const current = new AsyncLocalStorage<string>();
const tallies = new Map<string, StageTally>();

function tally(stage = current.getStore() ?? 'other'): StageTally {
  let t = tallies.get(stage);
  if (!t) {
    t = {
      redisRoundTrips: 0,
      redisInFlight: 0,
      redisSince: 0,
      redisCommands: 0,
      redisMs: 0,
      dbOps: 0,
      dbMs: 0,
      apiCalls: 0,
      apiMs: 0,
      wallMs: 0,
      runs: 0,
      commands: new Map(),
    };
    tallies.set(stage, t);
  }
  return t;
}

const count = (t: StageTally, name: string) => t.commands.set(name, (t.commands.get(name) ?? 0) + 1);

/** Runs `fn` as one run of `stage`. */
export async function inStage<T>(stage: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await current.run(stage, fn);
  } finally {
    const t = tally(stage);
    t.wallMs += performance.now() - t0;
    t.runs++;
  }
}

/** The tallies so far, and a fresh start. */
export function takeTallies(): Map<string, StageTally> {
  const out = new Map(tallies);
  tallies.clear();
  return out;
}

type AnyFn = (...args: unknown[]) => unknown;
function wrap(proto: object, method: string, make: (orig: AnyFn) => AnyFn): void {
  const target = proto as Record<string, AnyFn>;
  target[method] = make(target[method]);
}

/**
 * A round trip is a wait for Redis: calls sent while another of the stage's calls is still out
 * (Promise.all, a pipeline) share that wait and count once. `redisMs` is the time the stage had
 * at least one Redis call out.
 */
function roundTrip(t: StageTally, answer: Promise<unknown>): void {
  if (t.redisInFlight++ === 0) {
    t.redisRoundTrips++;
    t.redisSince = performance.now();
  }
  const settle = () => {
    if (--t.redisInFlight === 0) t.redisMs += performance.now() - t.redisSince;
  };
  answer.then(settle, settle);
}

export function installProbes(): void {
  wrap(
    Redis.prototype,
    'sendCommand',
    (orig) =>
      function sendCommand(this: unknown, ...args: unknown[]) {
        const command = args[0] as { name: string; promise: Promise<unknown> };
        const stream = args[1] as { isPipeline?: boolean } | undefined;
        const t = tally();
        t.redisCommands++;
        // A pipeline's exec is counted once below; its commands are only commands.
        count(t, `redis ${command.name}`);
        const result = orig.apply(this, args);
        if (!stream?.isPipeline) roundTrip(t, command.promise);
        return result;
      },
  );
  // A pipeline (or MULTI) goes out in one write and comes back as one answer: one round trip.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Pipeline } = require(join(ROOT, 'node_modules/ioredis/built/Pipeline.js')) as { default: { prototype: object } };
  wrap(
    Pipeline.prototype,
    'exec',
    (orig) =>
      function exec(this: { _transactions?: number }, ...args: unknown[]) {
        // MULTI's exec calls this twice: first to add EXEC to the batch (`_transactions` > 0), then to send it.
        if ((this._transactions ?? 0) > 0) return orig.apply(this, args);
        const p = orig.apply(this, args) as Promise<unknown>;
        roundTrip(tally(), p);
        return p;
      },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Connection } = require(join(ROOT, 'node_modules/mongodb/lib/cmap/connection.js')) as { Connection: { prototype: object } };
  wrap(
    Connection.prototype,
    'command',
    (orig) =>
      async function command(this: unknown, ...args: unknown[]) {
        const cmd = args[1] as Record<string, unknown>;
        const name = Object.keys(cmd)[0] ?? '?';
        // The server's own monitoring (hello, ping) is not our work.
        if (name === 'hello' || name === 'isMaster' || name === 'ismaster' || name === 'ping') return orig.apply(this, args);
        const t = tally();
        t.dbOps++;
        count(t, `db ${name} ${typeof cmd[name] === 'string' ? cmd[name] : ''}`.trim());
        const t0 = performance.now();
        try {
          return await orig.apply(this, args);
        } finally {
          t.dbMs += performance.now() - t0;
        }
      },
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ApiClient = require(join(ROOT, 'node_modules/telegraf/lib/core/network/client.js')) as { default: { prototype: object } };
  wrap(
    ApiClient.default.prototype,
    'callApi',
    (orig) =>
      async function callApi(this: unknown, ...args: unknown[]) {
        const t = tally();
        t.apiCalls++;
        count(t, `telegram ${String(args[0])}`);
        const t0 = performance.now();
        try {
          return await orig.apply(this, args);
        } finally {
          t.apiMs += performance.now() - t0;
        }
      },
  );
  wrap(
    Worker.prototype,
    'processJob',
    (orig) =>
      function processJob(this: Worker, ...args: unknown[]) {
        const job = args[0] as { name: string };
        return inStage(`job ${this.name}/${job.name}`, () => orig.apply(this, args) as Promise<unknown>);
      },
  );
}
