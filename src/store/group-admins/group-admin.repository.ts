import type { Model } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';
import { plain, type Stored } from '../mongo-compat';
import type { GroupAdmin, GroupAdminSource } from './group-admin.schema';

const idOf = (channel: ChannelName, chatId: string, userId: string) => `${channel}:${chatId}:${userId}`;

/** Who administers which group chat, as far as the bot was told (see GroupAdminSource). */
export class GroupAdminRepository {
  constructor(private readonly model: Model<GroupAdmin>) {}

  /** Records it; an operator's record is never downgraded to a Telegram hint. Idempotent. */
  async add(channel: ChannelName, chatId: string, userId: string, source: GroupAdminSource): Promise<void> {
    const _id = idOf(channel, chatId, userId);
    const existing = await this.model.findOne({ _id }).lean<Stored<GroupAdmin>>().exec();
    if (existing && (existing.source === source || existing.source === 'operator')) return;
    await this.model
      .updateOne({ _id }, { $set: { channel, chatId, userId, source, createdAt: existing?.createdAt ?? new Date() } }, { upsert: true })
      .exec();
  }

  async remove(channel: ChannelName, chatId: string, userId: string): Promise<void> {
    await this.model.deleteOne({ _id: idOf(channel, chatId, userId) }).exec();
  }

  async get(channel: ChannelName, chatId: string, userId: string): Promise<GroupAdmin | null> {
    return plain(
      await this.model
        .findOne({ _id: idOf(channel, chatId, userId) })
        .lean<Stored<GroupAdmin>>()
        .exec(),
    );
  }

  /** The groups this person was seen or recorded administering on this platform. */
  async ofUser(channel: ChannelName, userId: string): Promise<GroupAdmin[]> {
    const rows = await this.model.find({ userId, channel }).sort({ chatId: 1 }).lean<Stored<GroupAdmin>[]>().exec();
    return rows.map((row) => plain(row));
  }
}
