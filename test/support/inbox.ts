import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { inboxQueueName } from '../../src/channels/inbox/update-inbox';
import type { ChannelName } from '../../src/conversations/messages';

/**
 * Resolves once every update a webhook accepted on `channel` has been taken out of the inbox and
 * handled (a job is removed only after its replies went out), so a test can read the replies of
 * a webhook update as it could when the webhook answered after handling.
 */
export async function inboxDrained(connection: IORedis, channel: ChannelName, timeoutMs = 10_000): Promise<void> {
  const inbox = new Queue(inboxQueueName(channel), { connection });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const counts = await inbox.getJobCounts('wait', 'active', 'paused', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`inbox-${channel} not drained within ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await inbox.close();
  }
}
