import { z } from 'zod';
import { isBoundCaseField, openCaseField, sealCaseField, type CaseSealedField } from '../../../domain/case-seals';
import type { CaseSubmission } from '../../../conversations/ports';
import type { SealedBox } from '../../../domain/sealed-box';
import { CASE_KINDS } from '../flows';

/**
 * The worker validates every job before trusting it: a job written by an older or newer bot
 * version, or by hand, must fail loudly and stay in the failed set, never write a half case.
 */
const attachment = z.object({ kind: z.enum(['photo', 'video', 'voice', 'document']), ref: z.string().min(1).max(2048) });

export const caseSubmissionSchema = z.object({
  caseId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  refCode: z.string().regex(CASE_KINDS.referencePattern),
  kind: z.string().refine((kind) => CASE_KINDS.has(kind), 'a kind no flow declares'),
  category: z.string().min(1).max(40),
  fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/), z.string().max(10_000)),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  attachments: z.array(attachment).max(50),
  anonymous: z.boolean(),
  contactSealed: z.string().max(1000).optional(),
  replyTo: z.object({ channel: z.enum(['telegram', 'zalo', 'console']), chatIdSealed: z.string().max(1000) }),
  // Optional: jobs queued by a version without the erasure index are still stored.
  reporterIndex: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/)
    .optional(),
  lang: z.enum(['vi', 'en']),
  joinCode: z.string().max(16).optional(),
  submittedAt: z.string().datetime(),
}) satisfies z.ZodType<CaseSubmission>;

/**
 * What a `cases` job carries: the submission as JSON, sealed with the contact key and bound to the
 * case id (the job id). Jobs queued before this carried the submission itself and are still read.
 */
export interface SealedCaseJob {
  sealed: string;
}

export const caseJobAad = (caseId: string): string => `cases-job:${caseId}`;

/** The submission in a job, opened when sealed; what the schema then checks. */
export function unsealCaseJob(data: unknown, jobId: string | undefined, open: (sealed: string, aad: string) => string): unknown {
  if (data && typeof data === 'object' && typeof (data as SealedCaseJob).sealed === 'string')
    return JSON.parse(open((data as SealedCaseJob).sealed, caseJobAad(jobId ?? '')));
  return data;
}

/**
 * A `cases` job's data sealed again with the newest key (scripts/admin rotate-key), the contact and
 * chat sealed inside the submission too, since the worker stores those as they are; undefined when
 * everything in it is already on the newest key. An unsealed job of an older version keeps its form.
 */
export function resealCaseJob(box: SealedBox, data: unknown, jobId: string): unknown {
  if (!data || typeof data !== 'object') return undefined;
  const outer = typeof (data as SealedCaseJob).sealed === 'string' ? (data as SealedCaseJob).sealed : undefined;
  const sub = (outer === undefined ? data : JSON.parse(box.open(outer, caseJobAad(jobId)))) as Partial<CaseSubmission>;
  const caseId = String(sub.caseId ?? '');
  // The submission's own sealed fields, on the newest key and bound to their case (domain/case-seals.ts).
  const fresh = (sealed: string, field: CaseSealedField) =>
    box.isCurrent(sealed) && isBoundCaseField(box, sealed, caseId, field)
      ? sealed
      : sealCaseField(box, openCaseField(box, sealed, caseId, field), caseId, field);
  const contactSealed = sub.contactSealed === undefined ? undefined : fresh(sub.contactSealed, 'contact');
  const chatIdSealed = sub.replyTo === undefined ? undefined : fresh(sub.replyTo.chatIdSealed, 'replyTo');
  if ((outer === undefined || box.isCurrent(outer)) && contactSealed === sub.contactSealed && chatIdSealed === sub.replyTo?.chatIdSealed)
    return undefined;
  const again: Partial<CaseSubmission> = {
    ...sub,
    ...(contactSealed === undefined ? {} : { contactSealed }),
    ...(sub.replyTo === undefined || chatIdSealed === undefined ? {} : { replyTo: { ...sub.replyTo, chatIdSealed } }),
  };
  return outer === undefined ? again : { ...data, sealed: box.seal(JSON.stringify(again), caseJobAad(jobId)) };
}
