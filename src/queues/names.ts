/** Queue names. The outbox queues, one per platform, are named in src/outbox/jobs.ts. */
export const CASES_QUEUE = 'cases';
