import type { AreaContact, AreaContacts } from '../faq-feature';
import type { ChannelName } from '../../../conversations/messages';
import type { Group } from '../../../store/groups/group.schema';
import type { Store } from '../../../store/models';

/**
 * "Who is my area officer?" from the directory: the officers (role `officer`, active) of the
 * group's area, or of the nearest area above it that has one, as routing finds them. Names only:
 * officers' chats are never shown to residents.
 */
export class StoreAreaContacts implements AreaContacts {
  constructor(private readonly store: Store) {}

  async forJoinCode(joinCode: string): Promise<AreaContact | null> {
    return this.forGroup(await this.store.groups.byJoinCode(joinCode));
  }

  async forGroupChat(channel: ChannelName, chatId: string): Promise<AreaContact | null> {
    return this.forGroup(await this.store.groups.byChat(channel, chatId));
  }

  private async forGroup(group: Group | null): Promise<AreaContact | null> {
    if (!group?.areaCode) return null;
    const ancestry = await this.store.areas.ancestry(group.areaCode);
    if (ancestry.length === 0) return null;
    const officers = (await this.store.officers.inAreas(ancestry.map((a) => a.code))).filter((o) => o.role === 'officer');
    for (const area of ancestry) {
      const here = officers.filter((o) => o.areaCodes.includes(area.code));
      if (here.length > 0) return { areaName: ancestry[0].name, officers: here.map((o) => o.name) };
    }
    return { areaName: ancestry[0].name, officers: [] };
  }
}
