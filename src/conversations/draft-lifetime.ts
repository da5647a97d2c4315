/**
 * How long a draft is kept: a day past the idle limit, so its author can be told it expired. Files
 * kept for a draft and still on no case after this long belong to a draft given up (the retention
 * run deletes them).
 */
export function draftLifetimeMs(idleMs: number): number {
  return idleMs + 86_400_000;
}
