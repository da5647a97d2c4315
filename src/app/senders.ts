import { Telegram } from 'telegraf';
import type { ChannelSender } from '../channels/channel-sender';
import { ConsoleSender } from '../channels/console/console-sender';
import { TelegramSender } from '../channels/telegram/telegram-sender';
import { ZaloClient } from '../channels/zalo/client';
import { ZaloSender } from '../channels/zalo/zalo-sender';
import type { ChannelName } from '../conversations/messages';
import type { Runtime } from './runtime';

/** One sender per platform this deployment is configured for: the worker's way out. */
export function createSenders(rt: Runtime): Map<ChannelName, ChannelSender> {
  const senders = new Map<ChannelName, ChannelSender>();
  const { telegram, zalo, console: consoleOn } = rt.config;
  // Residents' files go out from our sealed copy (store/evidence), not from a platform's link.
  if (telegram)
    senders.set(
      'telegram',
      new TelegramSender(new Telegram(telegram.token, { apiRoot: telegram.apiRoot }), undefined, rt.evidence, (lang) =>
        rt.t(lang ?? 'vi', 'evidence.gone'),
      ),
    );
  // The client never repeats a send; the outbox does, resuming after the last part that went out.
  if (zalo)
    senders.set(
      'zalo',
      new ZaloSender(new ZaloClient({ token: zalo.token, apiBase: zalo.apiBase, timeoutMs: zalo.timeoutMs }), rt.t, {
        quotaBackoffMs: zalo.quotaBackoffMs,
        quota: rt.zaloQuota,
        links: rt.evidenceLinks,
      }),
    );
  if (consoleOn) senders.set('console', new ConsoleSender(process.stdout, rt.t));
  return senders;
}
