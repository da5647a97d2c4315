import { inviteCodeHash } from '../../../domain/invite-code';
import type { Store } from '../../../store/models';
import type { OfficerEnrolment } from '../ports';

/** The invite spent in the database, then the officer's chat on that platform set to this one. */
export class StoreOfficerEnrolment implements OfficerEnrolment {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async enrol(code: string, chat: Parameters<OfficerEnrolment['enrol']>[1]): ReturnType<OfficerEnrolment['enrol']> {
    const officerId = await this.store.officerInvites.redeem(inviteCodeHash(code), new Date(this.clock()));
    if (!officerId) return null;
    const officer = await this.store.officers.fresh(officerId);
    if (!officer) return null;
    const saved = await this.store.officers.upsert({
      ...officer,
      chats: [...officer.chats.filter((c) => c.channel !== chat.channel), chat],
      active: true,
    });
    return { officerId: saved.officerId, name: saved.name };
  }
}
