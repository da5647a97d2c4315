import type { Refusal } from './case-workflow';

/**
 * A staff action asked from the web dashboard's case page, and what came of it: one vocabulary for
 * the dashboard, which asks, and the officer desk, which acts (two features that may not import
 * each other).
 */
export type WebAction =
  | { kind: 'ack' }
  | { kind: 'note'; note: string }
  | { kind: 'ask'; question: string }
  | { kind: 'resolve'; outcome: string }
  | { kind: 'reassign'; to: string };

/**
 * Besides the chat's refusals: `empty` (no text), `bad_choice` (an outcome or officer the case does
 * not offer, such as a stale form), and the relay's `unreachable` (the tipster erased their data),
 * `question_limit` and `question_idle` (issue 14's bounds) and `questions_stopped` (the tipster
 * asked for no more questions on this case).
 */
export type WebActionOutcome =
  | 'done'
  | 'unchanged'
  | 'closed'
  | 'missing'
  | 'empty'
  | 'bad_choice'
  | 'unreachable'
  | 'question_limit'
  | 'question_idle'
  | 'questions_stopped'
  | Refusal;
