import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { ChannelName, Lang } from '../conversations/messages';
import type { Translate } from '../conversations/ports';
import type { SealedBox } from '../domain/sealed-box';
import type { Logger } from '../logger';
import type { OperatorMessage } from '../outbox/operator-processor';
import type { OutboxProducer } from '../outbox/producer';
import { ALERT_KINDS, WEEK_MS, windowKey } from './alert-kinds';
import type { NotifyOutcome, OperatorAlertKind, OperatorAlertParams, OperatorAlertsPort } from './port';

export interface OperatorAlertsOptions {
  /** The operators' chat (OPERATOR_CHAT); undefined: nothing is sent. */
  chat?: { channel: ChannelName; chatId: string };
  lang: Lang;
  /** OPERATOR_ALERT_WINDOW_MINUTES, in ms. */
  windowMs: number;
}

/**
 * Tells the operators' chat what needs a person, through the platform's outbox (so its rate
 * limits, retries and back-off apply, and a message waits in Redis rather than being lost), at
 * most once per kind and subject within a window (a Redis key set only if absent, so every
 * process together sends one message: an outage is one message, its recovery another).
 *
 * `redis` is BullMQ's connection, which waits for Redis instead of failing: a Redis outage is told
 * once Redis is back, as nothing can be queued before that (docs/ops/operators-chat.md).
 */
export class OperatorAlerts implements OperatorAlertsPort {
  constructor(
    private readonly redis: IORedis,
    private readonly outbox: Pick<OutboxProducer, 'enqueueOperatorMessage' | 'close'>,
    private readonly deps: { t: Translate; box: SealedBox; log: Logger },
    private readonly opts: OperatorAlertsOptions,
  ) {}

  get enabled(): boolean {
    return this.opts.chat !== undefined;
  }

  async notify<K extends OperatorAlertKind>(kind: K, params: OperatorAlertParams[K]): Promise<NotifyOutcome> {
    const { log } = this.deps;
    const chat = this.opts.chat;
    if (!chat) return 'off';
    const policy = ALERT_KINDS[kind];
    const key = windowKey(kind, policy.subject(params));
    try {
      const windowMs = policy.window === 'week' ? WEEK_MS : this.opts.windowMs;
      const opened = await this.redis.set(key, String(Date.now()), 'PX', windowMs, 'NX');
      if (opened !== 'OK') {
        log.info({ kind }, 'ops.alert_suppressed');
        return 'suppressed';
      }
      const message: OperatorMessage = { chatId: chat.chatId, parts: [{ text: this.render(kind, params), lang: this.opts.lang }] };
      try {
        await this.outbox.enqueueOperatorMessage(
          chat.channel,
          `op.${kind}.${randomBytes(9).toString('base64url')}`,
          this.deps.box.seal(JSON.stringify(message)),
        );
      } catch (err) {
        // Not queued: reopen the window so the next occurrence is told.
        await this.redis.del(key).catch(() => undefined);
        throw err;
      }
      log.info({ kind }, 'ops.alert_queued');
      return 'queued';
    } catch (err) {
      log.error({ kind, err }, 'ops.alert_failed');
      return 'failed';
    }
  }

  private render<K extends OperatorAlertKind>(kind: K, params: OperatorAlertParams[K]): string {
    const { t } = this.deps;
    const lang = this.opts.lang;
    const values: Record<string, unknown> = { ...params };
    // An area is named as the operators know it, with the code scripts/admin takes.
    if ('areaCode' in params) {
      const { areaCode, areaName } = params as { areaCode: string | null; areaName?: string };
      values.area = areaCode ? (areaName ? `${areaName} (${areaCode})` : areaCode) : t(lang, 'ops.noArea');
    }
    return `${t(lang, 'ops.title')}\n${t(lang, `ops.${kind}`, values)}`;
  }

  async close(): Promise<void> {
    await this.outbox.close();
  }
}
