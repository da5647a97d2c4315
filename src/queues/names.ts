import type { ChannelName } from '../conversations/messages';

/** Queue names. One outbox per platform, so each platform's rate limit and back-off is its own. */
export const CASES_QUEUE = 'cases';
export const outboxQueueName = (channel: ChannelName) => `outbox-${channel}`;
