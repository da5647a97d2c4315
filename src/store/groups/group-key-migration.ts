import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from '../mongo-compat';
import { groupKey } from '../../domain/chat';
import type { Group } from './group.schema';

/** The unique index groups had before `_id` became `${channel}:${chatId}`. */
const LEGACY_INDEX = 'channel_1_chatId_1';

type LegacyGroup = Group & { _id: unknown; movingJoinCode?: string };

/**
 * Moves groups stored under a generated ObjectId to their chat key (`groupKey`), once, at
 * start-up; a database with none left costs one query. Each group keeps its join code, area,
 * title and active flag, so the codes on residents' paper and deep links go on working.
 *
 * No transactions on FerretDB, so each group moves in three steps that are each safe to repeat,
 * and a start-up interrupted anywhere (or two replicas starting at once) finishes the move later:
 * 1. the old document hands its join code to `movingJoinCode` and holds a placeholder code, so the
 *    code is free for the new document while the unique index on codes stays whole;
 * 2. the new document is inserted under the chat key with the real code (E11000: already moved);
 * 3. the old document is deleted.
 * Returns how many groups were moved.
 */
export async function moveGroupsToChatKeys(conn: Connection): Promise<number> {
  const groups = conn.collection<LegacyGroup>('groups');
  // The old index would refuse the new document for the same chat; `_id` now keeps chats unique.
  const indexes = await groups.indexes().catch(() => [] as { name?: string }[]);
  if (indexes.some((index) => index.name === LEGACY_INDEX)) await groups.dropIndex(LEGACY_INDEX);

  const legacy = await groups.find({ _id: { $not: { $type: 'string' } } } as never).toArray();
  for (const old of legacy) {
    const joinCode = old.movingJoinCode ?? old.joinCode;
    if (old.movingJoinCode === undefined) {
      await groups.updateOne({ _id: old._id } as never, {
        $set: { movingJoinCode: joinCode, joinCode: `MOVING${String(old._id).toUpperCase()}` },
      });
    }
    const moved: Group & { _id: string } = {
      _id: groupKey(old),
      channel: old.channel,
      chatId: old.chatId,
      title: old.title ?? '',
      areaCode: old.areaCode ?? null,
      joinCode,
      active: old.active !== false,
      createdAt: old.createdAt ?? new Date(),
    };
    try {
      await groups.insertOne(moved as never);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (!(await groups.findOne({ _id: moved._id } as never))) throw error;
    }
    await groups.deleteOne({ _id: old._id } as never);
  }
  return legacy.length;
}
