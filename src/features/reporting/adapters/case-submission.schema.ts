import { z } from 'zod';
import type { CaseSubmission } from '../../../conversations/ports';
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
