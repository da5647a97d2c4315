import type { Reading, Understanding } from '../domain/understanding/understand';
import type { CaseKind } from '../domain/case-kinds';
import type { CaseSubmission } from '../domain/case-record';
import type { Attachment, ChannelName, Lang, SharedLocation } from './messages';
import { AppError } from '../domain/app-error';

/**
 * What the conversations need from the outside world, as interfaces. Redis, the queue and the
 * database implement them (src/redis, src/queues, src/store); tests can pass small fakes for pure
 * flow tests. Keeping them here is what lets flows stay free of telegraf, bullmq and mongoose.
 */

export type Translate = (lang: Lang, key: string, params?: Record<string, unknown>) => string;

/** An unfinished tip or mediation request. Lives in Redis so any replica can continue it. */
/** Reads residents' words (domain/understanding/understand.ts is the one reader). */
export interface Reader {
  understand(text: string): Understanding;
  rank(kind: 'tip' | 'mediation', text: string): Reading[];
}

export interface Draft {
  values: Record<string, string>;
  location?: SharedLocation;
  attachments: Attachment[];
}

export interface ConversationState {
  flow: string;
  /** Flow version: a state saved by an older flow definition is dropped politely, not misread. */
  version: number;
  step: string;
  /** Steps answered so far, for Back. */
  history: string[];
  /** Set while changing one field from the summary: after it, go straight back to the summary. */
  editing: boolean;
  draft: Draft;
  /** Chosen when the conversation starts: the case id and queue job id, so a double confirm is one case. */
  caseId: string;
  /** Given on the first confirm and kept, so a retry after a failed enqueue shows the same code. */
  refCode?: string;
  /** Set while asking "continue or start over?" (a /start or menu pick came mid-draft). */
  interrupted?: boolean;
  /** The flow asked for when the draft was interrupted (a group's button, a menu pick): "start over" starts it. */
  thenFlow?: string;
  /** Steps answered by the resident's opening message or a sentence: not asked, still editable. */
  prefilled?: string[];
  /** The likeliest categories read from a sentence at a choice step, offered before the whole list. */
  shortlist?: string[];
  /** When the last piece of the story (the flow's storyStep) arrived: a piece right after it adds to it. */
  storyAt?: number;
  startedAt: number;
  updatedAt: number;
}

/**
 * The evidence store (issue 15): a resident's photo, video or voice note is fetched from the
 * platform once, when it arrives, stripped of metadata, sealed and kept under an evidence id; the
 * draft and the case then hold `evidence:<id>` (domain/chat.ts), never the platform's link.
 */
export interface EvidenceKeeper {
  /** Our copy of the attachment, or why there is none: too large for the cap, or the platform would not give it. */
  keep(channel: ChannelName, attachment: Attachment): Promise<{ kept: Attachment } | { refused: 'too-large' | 'unavailable' }>;
  /** The cap, in bytes, for the message that says a file was too large. */
  readonly maxBytes: number;
  /** Deletes our copies of these files (a draft given up); other references are ignored. Resolves the number deleted. */
  discard(attachments: readonly Attachment[]): Promise<number>;
}

export interface UserProfile {
  lang?: Lang;
  /** The join code of the resident's group: where their tips are routed. */
  joinCode?: string;
  /** Told once that the bot is an automated system (Zalo's rule for bots), in whatever came first. */
  introduced?: boolean;
}

export interface Profiles {
  get(channel: ChannelName, userId: string): Promise<UserProfile>;
  update(channel: ChannelName, userId: string, patch: UserProfile): Promise<void>;
}

/** A confirmed submission as it goes on the queue: a view of the case record (domain/case-record.ts). */
export type { CaseSubmission };

export class QueueUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('The case queue could not be reached', { cause });
  }
}

export interface CaseIntake {
  /** An atomic counter per kind and month; see domain/reference-code. */
  nextReferenceCode(kind: CaseKind, at: Date): Promise<string>;
  /** Resolves only once the queue has durably accepted the job; throws QueueUnavailableError. */
  submit(submission: CaseSubmission): Promise<void>;
}

export interface GroupInfo {
  joinCode: string;
  title: string;
  areaCode: string | null;
  areaName?: string;
}

export interface Directory {
  groupByJoinCode(code: string): Promise<GroupInfo | null>;
  /** Idempotent: registering a known group returns it as it is (with its area if bound). */
  registerGroup(channel: ChannelName, chatId: string, title: string): Promise<GroupInfo>;
  /** Binds a group to an area if `userId` may do it; says which of the outcomes happened. */
  bindGroup(
    channel: ChannelName,
    chatId: string,
    areaCode: string,
    userId: string,
  ): Promise<'bound' | 'unknown-area' | 'forbidden' | 'unknown-group'>;
}

export interface Guards {
  /**
   * True once this platform update was handled to the end (markHandled), by this process or any
   * other: a webhook redelivery, a poller's re-read or a second replica's copy is then dropped. An
   * update whose handling was cut short (the process killed midway) is not handled yet, so the
   * inbox's retry handles it again.
   */
  handled(channel: ChannelName, updateId: string): Promise<boolean>;
  /** Records that the update was handled: its effects (the chat's slot, queued cases) are written. */
  markHandled(channel: ChannelName, updateId: string): Promise<void>;
  /** 'ok', or 'warn' once when a user floods, then 'drop' until the window passes. */
  flood(channel: ChannelName, userId: string): Promise<'ok' | 'warn' | 'drop'>;
  /** The same for everything a group sends the bot together, whoever sends it. */
  groupFlood(channel: ChannelName, chatId: string): Promise<'ok' | 'warn' | 'drop'>;
  /** Counts a case against the user's hourly cap; false when the cap is reached. */
  takeCaseAllowance(channel: ChannelName, userId: string): Promise<boolean>;
}

/** Serialises the handling of one chat's messages across replicas (see redis/chat-lock.ts). */
export interface ChatLocks {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export interface Sealer {
  seal(plain: string, aad?: string): string;
}
