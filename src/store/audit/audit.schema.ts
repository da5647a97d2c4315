import { Schema } from 'mongoose';
import { AUDIT_ACTIONS, type AuditAction, type AuditEvent } from '../../domain/audit';

export type { AuditAction, AuditEvent };

/** audit_events: one document per event (domain/audit.ts), deleted after AUDIT_RETENTION_DAYS by the daily retention run. */
export const auditEventSchema = new Schema<AuditEvent>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    channel: { type: String, enum: ['web', 'chat'], required: true },
    refCode: { type: String },
    areaCodes: { type: [String], default: [] },
    // Mixed, but written only by AuditRepository.record from the typed fields above.
    detail: { type: Schema.Types.Mixed },
  },
  { collection: 'audit_events', versionKey: false },
);

// The page reads newest first, and retention deletes by age; a supervisor's page, within their areas.
auditEventSchema.index({ at: -1 });
auditEventSchema.index({ areaCodes: 1, at: -1 });
