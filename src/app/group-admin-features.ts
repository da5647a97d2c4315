import { randomBytes } from 'node:crypto';
import type { TelegramChannel } from '../channels/telegram/telegram-channel';
import { BroadcastFeature } from '../conversations/broadcast/broadcast-feature';
import { FaqFeature } from '../conversations/faq/faq-feature';
import type { Feature } from '../conversations/feature';
import type { ChannelName } from '../conversations/messages';
import { loadFaqDocuments } from '../i18n/faq-content';
import { QueueBroadcastDesk } from '../queues/broadcast-desk';
import { BroadcastQueue } from '../queues/broadcast-queue';
import { BroadcastFence } from '../redis/broadcast-fence';
import { RedisFaqMisses } from '../redis/faq-misses';
import { StoreAreaContacts } from '../store/area-contacts';
import { StoreBroadcastAudience } from '../store/broadcast-audience';
import { createGroupAdmins } from './group-admins';
import type { Runtime } from './runtime';

/** Platforms the bot role talks on. */
function channelsOf(rt: Runtime): Set<ChannelName> {
  const channels = new Set<ChannelName>();
  if (rt.config.telegram) channels.add('telegram');
  if (rt.config.zalo) channels.add('zalo');
  if (rt.config.console) channels.add('console');
  return channels;
}

export interface GroupAdminFeatures {
  /** In the order they get to answer; the FAQ last, as it answers what nothing else understood. */
  features: Feature[];
  close(): Promise<void>;
}

/**
 * The bot role's side of issue #5: broadcasts by group admins, officers and supervisors, and the
 * FAQ for residents. `telegram` is read lazily: the channel is created after the features.
 */
export function createGroupAdminFeatures(rt: Runtime, telegram: () => TelegramChannel | undefined): GroupAdminFeatures {
  const log = (event: string, fields?: Record<string, string | number | boolean>) => rt.log.info(fields ?? {}, event);
  const admins = createGroupAdmins(rt, () => telegram()?.bot.telegram);
  const queue = new BroadcastQueue(rt.queueRedis, { attempts: rt.config.jobAttempts, backoffMs: rt.config.jobBackoffMs });
  const broadcast = new BroadcastFeature({
    t: rt.t,
    audience: new StoreBroadcastAudience(rt.store, rt.config.superadmins, admins, channelsOf(rt)),
    desk: new QueueBroadcastDesk(rt.store, queue, new BroadcastFence(rt.redis)),
    // URL-safe, short enough for callback data ("bc:x:<id>") and valid as a BullMQ job id.
    newId: () => randomBytes(12).toString('base64url'),
    idleMs: rt.config.conversationIdleMs,
    maxBodyLength: Math.min(rt.config.maxTextLength, 3500),
    log,
  });
  const faq = new FaqFeature({ t: rt.t, documents: loadFaqDocuments(), misses: new RedisFaqMisses(rt.redis), contacts: new StoreAreaContacts(rt.store), log });
  return {
    features: [broadcast, faq],
    async close() {
      await queue.close();
    },
  };
}
