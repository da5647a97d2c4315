import type { Logger } from 'pino';
import type { ZaloClient } from './client';
import { storableReason } from '../../domain/app-error';
import { ZaloApiError, ZaloRateLimitedError } from './errors';

/**
 * Long-polls getUpdates and hands each update on, for development and for deployments without a
 * public HTTPS address. It must outlive everything the network and the platform throw at it: an
 * error answer or a timeout only pauses it (longer each time in a row, back to normal after a
 * success), and a failing handler only costs that one update.
 *
 * Run one poller per bot token: the platform gives each update to whichever poll asks first, so
 * replicas would split the stream between them. Scale-out deployments use the webhook instead.
 */

export interface ZaloPollerOptions {
  logger: Logger;
  /** How long the platform holds each poll open when nothing arrives. */
  timeoutSeconds?: number;
  /** Pause after the first failure in a row; doubles with each further one. */
  errorBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told (with our error code) when the loop dies by itself, not by stop(): nobody is heard until it restarts. */
  onCrashed?: (code: string) => void;
}

/** A handful of ids is enough to catch a re-delivery right after a retried poll. */
const RECENT_IDS = 256;
const RATE_LIMITED_POLL_MS = 1000;

export class ZaloPoller {
  private readonly logger: Logger;
  private readonly timeoutSeconds: number;
  private readonly errorBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly onCrashed?: (code: string) => void;
  private readonly recent = new Set<string>();
  private running?: Promise<void>;
  private abort?: AbortController;
  private wake?: () => void;

  constructor(
    private readonly client: ZaloClient,
    private readonly onUpdate: (update: unknown) => Promise<void>,
    options: ZaloPollerOptions,
  ) {
    this.logger = options.logger;
    this.timeoutSeconds = options.timeoutSeconds ?? 30;
    this.errorBackoffMs = options.errorBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.onCrashed = options.onCrashed;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts polling in the background; calling it again while running does nothing. */
  start(): void {
    if (this.running) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.loop(abort.signal)
      .catch((err: unknown) => {
        this.logger.fatal({ err }, 'zalo poller crashed');
        this.onCrashed?.(storableReason(err).split(':')[0]);
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /**
   * Ends the poll in flight at once (its HTTP request is aborted) and resolves when the loop has
   * left, after any handler already running has finished with its update.
   */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    this.logger.info({ timeoutSeconds: this.timeoutSeconds }, 'zalo poller started');
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        updates = await this.client.getUpdates({ timeoutSeconds: this.timeoutSeconds, signal });
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const delayMs = this.backoff(err, failures);
        this.logFailure(err, failures, delayMs);
        await this.sleep(delayMs, signal);
        continue;
      }
      if (failures > 0) this.logger.info({ failures }, 'zalo poller recovered');
      failures = 0;
      // Updates already taken from the platform are handed on even when stopping: they exist nowhere else.
      for (const update of updates) await this.handOn(update);
    }
    this.logger.info('zalo poller stopped');
  }

  private async handOn(update: unknown): Promise<void> {
    const id = messageIdOf(update);
    if (id !== undefined) {
      if (this.recent.has(id)) {
        this.logger.debug({ messageId: id }, 'zalo poller dropped a repeated update');
        return;
      }
      this.remember(id);
    }
    try {
      await this.onUpdate(update);
    } catch (err) {
      // The error's message may quote the resident's text; its name and stack frames are enough.
      this.logger.error({ messageId: id, error: err instanceof Error ? err.name : typeof err, err }, 'zalo update handler failed');
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /**
   * Exponential, capped. Errors that cannot heal by themselves (bad token, refused request such as
   * "webhook is set") wait the cap straight away: they need an operator, not a fast loop.
   */
  private backoff(err: unknown, failures: number): number {
    if (err instanceof ZaloApiError && !err.retryable) return this.maxBackoffMs;
    const exponential = Math.min(this.maxBackoffMs, this.errorBackoffMs * 2 ** Math.min(failures - 1, 20));
    // Zalo's 429 (a spent quota) names no wait; a second is enough not to hammer it while polling.
    if (err instanceof ZaloRateLimitedError) return Math.max(exponential, err.retryAfterMs ?? RATE_LIMITED_POLL_MS);
    return exponential;
  }

  private logFailure(err: unknown, failures: number, delayMs: number): void {
    // `error` (the code) as before, for quick reading; `err` for the class and our frames (src/error-fields.ts).
    const error = err instanceof Error ? err.name : typeof err;
    const details = err instanceof ZaloApiError ? { error, err, errorCode: err.errorCode, networkCode: err.networkCode } : { error, err };
    const level = err instanceof ZaloApiError && err.retryable ? 'warn' : 'error';
    this.logger[level]({ ...details, failures, delayMs }, 'zalo getUpdates failed; backing off');
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (signal.aborted) done();
    });
  }
}

function messageIdOf(update: unknown): string | undefined {
  if (typeof update !== 'object' || update === null) return undefined;
  const message = (update as { message?: unknown }).message;
  if (typeof message !== 'object' || message === null) return undefined;
  const id = (message as { message_id?: unknown }).message_id;
  return typeof id === 'string' && id.length <= 128 ? id : typeof id === 'number' ? String(id) : undefined;
}
