import { coversArea } from '../domain/case-workflow';
import type { ChannelName } from '../conversations/messages';
import type { Directory, GroupInfo } from '../conversations/ports';
import type { Group } from './groups/group.schema';
import type { Store } from './models';

/**
 * The conversations' view of groups and areas, over the database. Binding a group to an area is
 * the one privileged act here: a superadmin (listed in config as `channel:userId`) may bind any
 * group; an officer or supervisor only to an area they cover, directly or through a parent area.
 */
export class StoreDirectory implements Directory {
  constructor(
    private readonly store: Store,
    private readonly superadmins: readonly string[],
  ) {}

  async groupByJoinCode(code: string): Promise<GroupInfo | null> {
    const group = await this.store.groups.byJoinCode(code);
    return group && group.active !== false ? this.info(group) : null;
  }

  async registerGroup(channel: ChannelName, chatId: string, title: string): Promise<GroupInfo> {
    const known = await this.store.groups.byChat(channel, chatId);
    // Registering is idempotent; only write when the group is new or its title changed.
    const group =
      known && (known.title === title || !title) ? known : await this.store.groups.register(channel, chatId, title || known?.title || '');
    // Hearing from the group means the bot is in it again (it was marked inactive when a send got 403).
    if (!group.active) return this.info((await this.store.groups.setActive(channel, chatId, true)) ?? group);
    return this.info(group);
  }

  async bindGroup(
    channel: ChannelName,
    chatId: string,
    areaCode: string,
    userId: string,
  ): Promise<'bound' | 'unknown-area' | 'forbidden' | 'unknown-group'> {
    const area = await this.store.areas.byCode(areaCode);
    if (!area) return 'unknown-area';
    if (!(await this.mayBind(channel, userId, areaCode))) return 'forbidden';
    // Moving a group away from another area would redirect that area's tips: the officer must cover both.
    const current = (await this.store.groups.byChat(channel, chatId))?.areaCode;
    if (current && current !== areaCode && !(await this.mayBind(channel, userId, current))) return 'forbidden';
    const bound = await this.store.groups.bindArea(channel, chatId, areaCode);
    return bound ? 'bound' : 'unknown-group';
  }

  private async mayBind(channel: ChannelName, userId: string, areaCode: string): Promise<boolean> {
    if (this.superadmins.includes(`${channel}:${userId}`)) return true;
    const officer = await this.store.officers.byChat(channel, userId);
    if (!officer || !officer.active || officer.role === 'mediator') return false;
    return coversArea(
      officer.areaCodes,
      (await this.store.areas.ancestry(areaCode)).map((a) => a.code),
    );
  }

  private async info(group: Group): Promise<GroupInfo> {
    const area = group.areaCode ? await this.store.areas.byCode(group.areaCode) : null;
    return { joinCode: group.joinCode, title: group.title, areaCode: group.areaCode, areaName: area?.name };
  }
}
