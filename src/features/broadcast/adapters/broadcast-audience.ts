import { groupKey } from '../../../domain/chat';
import { type BroadcastAudience, type GroupAdmins, type Reach, type ReachableArea, type ReachableGroup, type SenderRole } from '../ports';
import type { ChannelName } from '../../../conversations/messages';
import type { Area } from '../../../store/areas/area.schema';
import type { Group } from '../../../store/groups/group.schema';
import type { Store } from '../../../store/models';

/**
 * Who may broadcast to which groups, from the directory:
 * - a superadmin (SUPERADMINS, `channel:userId`): every active group;
 * - an active officer or supervisor: the active groups bound to their areas or any area below
 *   them (a supervisor of a ward reaches the whole ward), and may pick one of those areas;
 * - a group admin: the groups they administer, as the platform says now (Telegram:
 *   getChatAdministrators, through GroupAdmins) or as an operator recorded (other platforms).
 *   Which groups to ask about: those where they typed /thongbao, and the group they joined.
 * Everyone else (residents, mediators) may not broadcast.
 */
export class StoreBroadcastAudience implements BroadcastAudience {
  constructor(
    private readonly store: Store,
    private readonly superadmins: readonly string[],
    private readonly admins: GroupAdmins,
    /** Platforms this deployment runs: a group elsewhere cannot be reached. */
    private readonly channels: ReadonlySet<ChannelName>,
  ) {}

  async reachOf(person: { channel: ChannelName; userId: string; joinCode?: string }): Promise<Reach | null> {
    const { channel, userId } = person;
    if (!this.channels.has(channel)) return null;
    if (this.superadmins.includes(`${channel}:${userId}`)) {
      const groups = (await this.store.groups.all()).filter((g) => g.active && this.channels.has(g.channel));
      const areas = await this.store.areas.all();
      const roots = areas.filter((a) => a.parentCode === null).map((a) => a.code);
      return { role: 'superadmin', groups: groups.map(reachable), areas: await this.areasWithGroups(roots, groups, areas) };
    }
    const officer = await this.store.officers.byChat(channel, userId);
    if (officer?.active && (officer.role === 'officer' || officer.role === 'supervisor')) {
      const groups = (await this.store.groups.inAreas(await this.store.areas.coveredBy(officer.areaCodes))).filter((g) =>
        this.channels.has(g.channel),
      );
      const areas = await this.store.areas.all();
      return {
        role: officer.role,
        officerId: officer.officerId,
        senderName: officer.name,
        groups: groups.map(reachable),
        areas: await this.areasWithGroups(officer.areaCodes, groups, areas),
      };
    }
    const groups = await this.administered(channel, userId, person.joinCode);
    return groups.length > 0 ? { role: 'group-admin', groups: groups.map(reachable), areas: [] } : null;
  }

  /**
   * Which of these groups the sender may still reach: asked when a scheduled broadcast fires, as
   * an officer moved to another area, a deactivated officer, a superadmin struck from the list or
   * an admin removed from a group since it was written must not speak there any more. The same
   * rules as reachOf, asked group by group; the platform is asked about group admins only when
   * the broadcast was written as one (an officer's thousands of groups cost no API calls).
   */
  async stillReaches(
    sender: { channel: ChannelName; userId: string; role: SenderRole },
    targets: readonly { channel: ChannelName; chatId: string }[],
  ): Promise<Set<string>> {
    const { channel, userId } = sender;
    if (!this.channels.has(channel)) return new Set();
    if (this.superadmins.includes(`${channel}:${userId}`)) return new Set(targets.map(groupKey));
    const reached = new Set<string>();
    const officer = await this.store.officers.byChat(channel, userId);
    if (officer?.active && (officer.role === 'officer' || officer.role === 'supervisor')) {
      for (const g of await this.store.groups.inAreas(await this.store.areas.coveredBy(officer.areaCodes))) reached.add(groupKey(g));
    }
    if (sender.role === 'group-admin') {
      for (const target of targets) {
        if (reached.has(groupKey(target))) continue;
        const group = await this.store.groups.byChat(target.channel, target.chatId);
        if (group?.active && (await this.admins.isAdmin(target.channel, target.chatId, userId))) reached.add(groupKey(target));
      }
    }
    return new Set(targets.map(groupKey).filter((key) => reached.has(key)));
  }

  async noteGroupAdmin(channel: ChannelName, groupChatId: string, userId: string, groupTitle: string): Promise<boolean> {
    if (!(await this.admins.isAdmin(channel, groupChatId, userId))) return false;
    const known = await this.store.groups.byChat(channel, groupChatId);
    if (!known) await this.store.groups.register(channel, groupChatId, groupTitle);
    // Telegram's word is re-checked before every broadcast; elsewhere the operator's record rules.
    if (channel === 'telegram') await this.store.groupAdmins.add(channel, groupChatId, userId, 'telegram');
    return true;
  }

  private async administered(channel: ChannelName, userId: string, joinCode?: string): Promise<Group[]> {
    const candidates = new Set((await this.store.groupAdmins.ofUser(channel, userId)).map((a) => a.chatId));
    const joined = joinCode ? await this.store.groups.byJoinCode(joinCode) : null;
    if (joined?.channel === channel) candidates.add(joined.chatId);
    const groups: Group[] = [];
    for (const chatId of candidates) {
      const group = await this.store.groups.byChat(channel, chatId);
      if (group?.active && (await this.admins.isAdmin(channel, chatId, userId))) groups.push(group);
    }
    return groups;
  }

  /** Each area and its direct children, with the groups at or below them; only areas that have some. */
  private async areasWithGroups(codes: string[], groups: Group[], all: Area[]): Promise<ReachableArea[]> {
    const byCode = new Map(all.map((a) => [a.code, a]));
    const out: ReachableArea[] = [];
    const seen = new Set<string>();
    const consider = async (code: string) => {
      if (seen.has(code) || !byCode.has(code)) return;
      seen.add(code);
      const below = new Set(await this.store.areas.descendantCodes(code));
      const keys = groups.filter((g) => g.areaCode !== null && below.has(g.areaCode)).map((g) => groupKey(g));
      if (keys.length > 0) out.push({ code, name: byCode.get(code)!.name, groupKeys: keys });
    };
    for (const code of codes) {
      await consider(code);
      for (const child of all.filter((a) => a.parentCode === code)) await consider(child.code);
    }
    return out;
  }
}

function reachable(g: Group): ReachableGroup {
  return { channel: g.channel, chatId: g.chatId, title: g.title, areaCode: g.areaCode };
}

/**
 * Group admins where the platform cannot say (Zalo, the console): the operator's record is the
 * authority (`scripts/admin add-group-admin`).
 */
export class RegistryGroupAdmins implements GroupAdmins {
  constructor(private readonly store: Store) {}

  async isAdmin(channel: ChannelName, groupChatId: string, userId: string): Promise<boolean> {
    return (await this.store.groupAdmins.get(channel, groupChatId, userId))?.source === 'operator';
  }
}
