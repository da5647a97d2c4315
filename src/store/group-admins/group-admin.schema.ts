import { Schema } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';

export const GROUP_ADMIN_SOURCES = ['telegram', 'operator'] as const;
/**
 * telegram: Telegram said so when the person typed /thongbao in the group; a hint of where to
 * look, checked again with Telegram before every broadcast. operator: recorded with
 * `scripts/admin add-group-admin`, for platforms that cannot tell (Zalo): that is the authority.
 */
export type GroupAdminSource = (typeof GROUP_ADMIN_SOURCES)[number];

/** A person who administers a residential group's chat (tổ trưởng, tổ phó). */
export interface GroupAdmin {
  channel: ChannelName;
  chatId: string;
  userId: string;
  source: GroupAdminSource;
  createdAt: Date;
}

export const groupAdminSchema = new Schema<GroupAdmin>(
  {
    channel: { type: String, enum: ['telegram', 'zalo', 'console'], required: true },
    chatId: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    source: { type: String, enum: GROUP_ADMIN_SOURCES, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'group_admins', versionKey: false },
);
// _id is `${channel}:${chatId}:${userId}`: one record per person and group, found by _id.
groupAdminSchema.add({ _id: String } as Parameters<typeof groupAdminSchema.add>[0]);
