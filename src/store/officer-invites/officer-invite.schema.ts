import { Schema } from 'mongoose';

/**
 * A one-time code that lets an officer record their own chat with the bot (`/dangky CODE`), made by
 * an operator (`scripts/admin invite-officer`) instead of copying chat ids by hand. Only the code's
 * SHA-256 is kept: the database cannot give a code away. One invite an officer; gone once used.
 */
export interface OfficerInvite {
  codeHash: string;
  officerId: string;
  expiresAt: Date;
}

export const officerInviteSchema = new Schema<OfficerInvite>(
  {
    codeHash: { type: String, required: true, unique: true },
    officerId: { type: String, required: true, index: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'officer_invites', versionKey: false },
);
