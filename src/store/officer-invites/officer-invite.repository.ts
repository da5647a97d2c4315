import type { Model } from 'mongoose';
import type { OfficerInvite } from './officer-invite.schema';

export class OfficerInviteRepository {
  constructor(private readonly model: Model<OfficerInvite>) {}

  /** The officer's invite, replacing any earlier one (the old code stops working). */
  async replace(officerId: string, codeHash: string, expiresAt: Date): Promise<void> {
    await this.model.deleteMany({ officerId });
    await this.model.create({ officerId, codeHash, expiresAt });
  }

  /** Spends the invite whose code has this hash, if it has not expired: its officer's id, once. */
  async redeem(codeHash: string, now: Date): Promise<string | null> {
    const invite = await this.model.findOneAndDelete({ codeHash: { $eq: codeHash } }).lean<OfficerInvite>();
    if (!invite) return null;
    return invite.expiresAt.getTime() > now.getTime() ? invite.officerId : null;
  }
}
