/**
 * Getting updates to the bot, as Telegram does: a queue of updates it has not confirmed, handed
 * out by long polling (getUpdates) or POSTed to a webhook, never both. The conflicts between the
 * two, and between two pollers, answer 409 because that is what a bot meets when two replicas run.
 */
import * as http from 'node:http';
import type { Update } from 'telegraf/types';
import { nowSeconds } from './chats';
import { ApiError, badRequest } from './faults';
import { dispatch, knownMethod } from './methods';
import { bool, num, str, stringList, tryParseBody } from './params';
import type { EmulatorState } from './state';
import type { Params, WebhookDelivery } from './types';
import { answer, answerError, readBody } from './wire';

/** Update types Telegram leaves out when `allowed_updates` is empty or absent. */
const OPT_IN_UPDATE_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const WEBHOOK_TIMEOUT_MS = 30_000;

interface Poller {
  res: http.ServerResponse;
  limit: number;
  allowed: string[];
  timer: NodeJS.Timeout;
}

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowed: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? '';
}

function isAllowed(update: Update, allowed: string[]): boolean {
  const type = updateType(update);
  return allowed.length > 0 ? allowed.includes(type) : !OPT_IN_UPDATE_TYPES.has(type);
}

export class Delivery {
  /** Updates not yet confirmed (getUpdates offset) or not yet delivered (webhook). */
  private queue: Update[] = [];
  private poller?: Poller;
  private webhook?: Webhook;
  private pumping?: Promise<void>;
  private readonly webhookAgent = new http.Agent({ keepAlive: false });
  private readonly webhookRequests = new Set<http.ClientRequest>();

  constructor(private readonly emu: EmulatorState) {}

  /** Queues an update and wakes whoever takes it: the webhook pump, or the poll that is waiting. */
  enqueue(update: Update): void {
    if (this.emu.stopped) throw new Error('TelegramEmulator is stopped');
    this.queue.push(update);
    if (this.webhook) {
      this.pumpWebhook();
      return;
    }
    // Wake the waiting poll after the current synchronous code, so updates pushed together
    // (addBotToGroup pushes two) arrive in one getUpdates answer, as they would from Telegram.
    queueMicrotask(() => {
      const poller = this.poller;
      if (!poller) return;
      const ready = this.deliverable(poller.limit, poller.allowed);
      if (ready.length === 0) return;
      this.poller = undefined;
      clearTimeout(poller.timer);
      answer(poller.res, 200, { ok: true, result: ready });
    });
  }

  /** Answers `res` now, or holds it as the one waiting poll until an update or the timeout comes. */
  getUpdates(p: Params, res: http.ServerResponse): void {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = num(p, 'offset') ?? 0;
    const limit = Math.min(100, Math.max(1, num(p, 'limit') ?? 100));
    const timeout = Math.max(0, num(p, 'timeout') ?? 0);
    const allowed = stringList(p, 'allowed_updates');

    // Asking with an offset confirms every update before it; Telegram then forgets them.
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.queue = this.queue.slice(offset);

    // Only one getUpdates may wait at a time: a second one (another replica) ends the first.
    if (this.poller) {
      const old = this.poller;
      this.poller = undefined;
      clearTimeout(old.timer);
      answerError(
        old.res,
        new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
        this.emu.stats,
      );
    }

    const ready = this.deliverable(limit, allowed);
    if (ready.length > 0 || timeout === 0) return answer(res, 200, { ok: true, result: ready });

    const poller: Poller = {
      res,
      limit,
      allowed,
      timer: setTimeout(() => {
        if (this.poller === poller) this.poller = undefined;
        answer(res, 200, { ok: true, result: [] });
      }, timeout * 1000),
    };
    // A client that gives up (telegraf's bot.stop() aborts the request) must not receive updates.
    res.on('close', () => {
      clearTimeout(poller.timer);
      if (this.poller === poller) this.poller = undefined;
    });
    this.poller = poller;
  }

  private deliverable(limit: number, allowed: string[]): Update[] {
    return this.queue.filter((u) => isAllowed(u, allowed)).slice(0, limit);
  }

  setWebhook(p: Params): true {
    const url = str(p, 'url') ?? '';
    if (url === '') {
      this.webhook = undefined;
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: invalid webhook URL specified');
    }
    // Telegram demands HTTPS; plain http is accepted here because the test servers are local.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = str(p, 'secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    this.webhook = {
      url,
      secretToken,
      maxConnections: num(p, 'max_connections') ?? 40,
      allowed: stringList(p, 'allowed_updates'),
    };
    if (bool(p, 'drop_pending_updates')) this.queue = [];
    // A poll still waiting learns the way Telegram tells it: 409.
    if (this.poller) {
      const old = this.poller;
      this.poller = undefined;
      clearTimeout(old.timer);
      answerError(old.res, new ApiError(409, 'Conflict: terminated by setWebhook request'), this.emu.stats);
    }
    this.pumpWebhook();
    return true;
  }

  deleteWebhook(p: Params): true {
    this.webhook = undefined;
    if (bool(p, 'drop_pending_updates')) this.queue = [];
    return true;
  }

  webhookInfo(): unknown {
    return {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhook
        ? {
            max_connections: this.webhook.maxConnections,
            ...(this.webhook.allowed.length > 0 ? { allowed_updates: this.webhook.allowed } : {}),
            ...(this.webhook.lastErrorDate !== undefined
              ? { last_error_date: this.webhook.lastErrorDate, last_error_message: this.webhook.lastErrorMessage }
              : {}),
          }
        : {}),
    };
  }

  /** Resolves when every queued update has been POSTed to the webhook (or none is set). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** For stop(): ends the waiting poll and every webhook delivery under way. */
  halt(): void {
    if (this.poller) clearTimeout(this.poller.timer);
    this.poller = undefined;
    for (const req of this.webhookRequests) req.destroy();
    this.webhookAgent.destroy();
  }

  /** For stop(), after halt(): the webhook pump has seen its delivery fail and ended. */
  async settled(): Promise<void> {
    await this.pumping?.catch(() => undefined);
  }

  /** POSTs queued updates one at a time, in order; a failed delivery is recorded and dropped. */
  private pumpWebhook(): void {
    if (this.pumping || !this.webhook) return;
    this.pumping = (async () => {
      // Yield first: were the loop to finish synchronously, `finally` would run before this
      // assignment and leave `pumping` set forever.
      await Promise.resolve();
      try {
        while (this.webhook && !this.emu.stopped) {
          const hook = this.webhook;
          const update = this.queue.find((u) => isAllowed(u, hook.allowed));
          if (!update) break;
          await this.deliverToWebhook(hook, update);
          // Drop it (no retries here) and the earlier updates this webhook does not subscribe to.
          this.queue = this.queue.filter((u) => u !== update && (u.update_id > update.update_id || isAllowed(u, hook.allowed)));
        }
      } finally {
        this.pumping = undefined;
      }
    })();
  }

  private async deliverToWebhook(hook: Webhook, update: Update): Promise<void> {
    const body = JSON.stringify(update);
    const record: WebhookDelivery = { update_id: update.update_id, status: 0, at: Date.now() };
    try {
      const { status, contentType, payload } = await new Promise<{ status: number; contentType?: string; payload: Buffer }>(
        (resolve, reject) => {
          const req = http.request(
            hook.url,
            {
              method: 'POST',
              agent: this.webhookAgent,
              timeout: WEBHOOK_TIMEOUT_MS,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                ...(hook.secretToken !== undefined ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {}),
              },
            },
            (res) => {
              readBody(res).then(
                (payload) => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], payload }),
                reject,
              );
            },
          );
          this.webhookRequests.add(req);
          req.on('close', () => this.webhookRequests.delete(req));
          req.on('timeout', () => req.destroy(new Error(`webhook did not answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
          req.on('error', reject);
          req.end(body);
        },
      );
      record.status = status;
      if (status >= 200 && status < 300) {
        // telegraf answers some calls in the webhook response body; Telegram executes them.
        const reply = payload.length > 0 ? tryParseBody(contentType, payload, this.emu.uploads) : undefined;
        const replyMethod = typeof reply?.method === 'string' ? knownMethod(reply.method) : undefined;
        if (reply && replyMethod && replyMethod !== 'getUpdates') {
          record.replyMethod = replyMethod;
          this.emu.calls[replyMethod] = (this.emu.calls[replyMethod] ?? 0) + 1;
          this.emu.requests.push({ method: replyMethod, params: reply, at: Date.now() });
          try {
            dispatch(this.emu, replyMethod, reply);
          } catch (err) {
            record.error = `webhook reply ${replyMethod} failed: ${(err as Error).message}`;
          }
        }
      } else {
        hook.lastErrorDate = nowSeconds();
        hook.lastErrorMessage = `Wrong response from the webhook: ${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
      }
    } catch (err) {
      record.error = (err as Error).message;
      hook.lastErrorDate = nowSeconds();
      hook.lastErrorMessage = record.error;
    }
    this.emu.webhookResponses.push(record);
    this.emu.notify();
  }
}
