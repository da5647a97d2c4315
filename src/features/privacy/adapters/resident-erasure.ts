import type IORedis from 'ioredis';
import { chatKey, type ChannelName } from '../../../domain/chat';
import type { KeyedHash } from '../../../domain/keyed-hash';
import { reporterIndexOf } from '../../../domain/reporter-index';
import { chatSlotKey } from '../../../redis/chat-slots';
import { profileKey } from '../../../redis/profiles';
import type { Store } from '../../../store/models';
import type { ErasureReport, ResidentEraser } from '../ports';

/**
 * Erasure over the database and Redis. The resident's cases are found by their blind index
 * (domain/reporter-index.ts), never by opening every case's sealed chat id; each keeps what
 * happened, for the officers, and loses the contact, the chat and the index. Their notices lose
 * the sealed chat and text first, then the case its link: a run cut short in between finds the
 * same cases again. In Redis the profile, the chat's slot (drafts, a relayed question waiting for
 * its answer, which so closes, pending picks) go; every name is a keyed hash, found
 * without scanning anyone else's.
 */
export class StoreResidentErasure implements ResidentEraser {
  constructor(
    private readonly store: Store,
    private readonly redis: IORedis,
    private readonly hash: KeyedHash,
    private readonly clock: () => number = Date.now,
  ) {}

  async erase(channel: ChannelName, userId: string, chatId = userId): Promise<ErasureReport> {
    const at = new Date(this.clock());
    const caseIds = await this.store.cases.idsByReporterIndex(reporterIndexOf(this.hash, channel, userId));
    let notices = 0;
    for (const caseId of caseIds) {
      notices += await this.store.notices.forgetResident(caseId);
      await this.store.cases.unlinkReporter(caseId, at);
    }
    // The hourly case counter (redis/guards.ts) stays: a count under a keyed-hash name, gone at the
    // end of its clock hour, linked to no case; erasing it would lift the cap for whoever erases.
    const [profile, conversation] = await Promise.all([
      this.redis.del(profileKey(this.hash, channel, userId)),
      this.redis.del(chatSlotKey(this.hash, chatKey(channel, chatId))),
    ]);
    return { cases: caseIds.length, notices, profile: profile > 0, conversation: conversation > 0 };
  }
}
