import type { CaseSubmission } from '../../src/conversations/ports';
import { CASE_KINDS } from '../../src/features/reporting/flows';
import { SealedBox } from '../../src/domain/sealed-box';
import { TEST_KEY } from './app-harness';

const box = new SealedBox(Buffer.from(TEST_KEY, 'base64'));

/** A confirmed tip as the bot would queue it, for tests that start at the queue. */
export function tipSubmission(i: number, over: Partial<CaseSubmission> = {}): CaseSubmission {
  return {
    caseId: `case${String(i).padStart(8, '0')}`,
    refCode: CASE_KINDS.formatReference('tip', new Date('2026-11-21T03:00:00Z'), i),
    kind: 'tip',
    category: 'theft',
    fields: { what: `Mất trộm xe máy lần ${i}`, where: 'Hẻm 45 Lê Lợi', when: 'today', identity: 'anonymous' },
    attachments: [],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdSealed: box.seal(String(700000 + i)) },
    lang: 'vi',
    joinCode: 'KP1TO3',
    submittedAt: new Date('2026-11-21T03:00:00Z').toISOString(),
    ...over,
  };
}
