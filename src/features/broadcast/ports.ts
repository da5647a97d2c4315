import type { ChannelName, Lang } from '../../conversations/messages';
import { AppError } from '../../domain/app-error';

/**
 * What the broadcast conversation needs from the outside: who may reach which groups, the
 * platform's word on who administers a group, a place for the unfinished broadcast, and the desk
 * that stores, schedules, lists and cancels broadcasts. Implemented in src/store, src/channels,
 * src/redis and src/queues; tests may pass small fakes.
 */

/** Whether a user administers a group chat. Telegram asks the platform; elsewhere the registry answers. */
export interface GroupAdmins {
  isAdmin(channel: ChannelName, groupChatId: string, userId: string): Promise<boolean>;
}

export type SenderRole = 'superadmin' | 'officer' | 'supervisor' | 'group-admin';

export interface ReachableGroup {
  channel: ChannelName;
  chatId: string;
  title: string;
  areaCode: string | null;
}

export interface ReachableArea {
  code: string;
  name: string;
  /** Keys (`channel:chatId`) of the reachable groups in this area or below it. */
  groupKeys: string[];
}

/** Everything one person may broadcast to, decided by the directory, never by what they type. */
export interface Reach {
  role: SenderRole;
  officerId?: string;
  /** Shown in the advisory's header for officers and supervisors (public: they sign advisories). */
  senderName?: string;
  groups: ReachableGroup[];
  /** For officers, supervisors and superadmins: their areas and the areas below that have groups. */
  areas: ReachableArea[];
}

export interface BroadcastAudience {
  /** Null when this person may not broadcast at all (a resident). */
  reachOf(person: { channel: ChannelName; userId: string; joinCode?: string }): Promise<Reach | null>;
  /** Someone typed /thongbao in a group: remember the group and, if they administer it, them. */
  noteGroupAdmin(channel: ChannelName, groupChatId: string, userId: string, groupTitle: string): Promise<boolean>;
}

export { groupKey } from '../../domain/chat';

export interface NewBroadcast {
  broadcastId: string;
  sender: { channel: ChannelName; userId: string; chatId: string; role: SenderRole; officerId?: string; lang: Lang };
  audienceLabel: string;
  targets: { channel: ChannelName; chatId: string; title: string }[];
  text: string;
  photo?: string;
  advisoryId?: string;
  scheduledFor?: Date;
}

export interface BroadcastSummary {
  broadcastId: string;
  audienceLabel: string;
  groups: number;
  text: string;
  scheduledFor?: Date;
  createdAt: Date;
}

export interface BroadcastProgress extends BroadcastSummary {
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
}

export class BroadcastUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('The broadcast could not be stored or queued', { cause });
  }
}

export interface BroadcastDesk {
  /**
   * Stores and queues it (delayed until `scheduledFor`). Idempotent by broadcastId: pressing Send
   * again after a failure is the same broadcast. Throws BroadcastUnavailableError.
   */
  submit(b: NewBroadcast): Promise<void>;
  /** The sender's broadcasts waiting for their time. */
  scheduled(sender: { channel: ChannelName; userId: string }): Promise<BroadcastSummary[]>;
  /** The sender's broadcasts being sent now, with how far they got. */
  running(sender: { channel: ChannelName; userId: string }): Promise<BroadcastProgress[]>;
  /** Only the sender's own, and only before it started: afterwards it is 'too-late'. */
  cancel(sender: { channel: ChannelName; userId: string }, broadcastId: string): Promise<'cancelled' | 'too-late' | 'not-found'>;
}

export type AudienceChoice = { kind: 'all' } | { kind: 'area'; code: string } | { kind: 'group'; key: string };

export interface BroadcastDraft {
  version: 1;
  /** Chosen at the start, so a second press of Send is the same broadcast. */
  broadcastId: string;
  step: 'audience' | 'content' | 'compose' | 'preview' | 'schedule' | 'list';
  /** The audience options offered, in order; the person picks one by its index. */
  /** `label`: the button; `name`: the plain words for previews, lists and the report. */
  choices: (AudienceChoice & { label: string; name: string; count: number })[];
  picked?: number;
  text?: string;
  photo?: string;
  advisoryId?: string;
  /** How many of the sender's broadcasts wait for their time (offers the list). */
  scheduledCount: number;
  /** The scheduled broadcasts last listed, which the person may cancel by number. */
  listed?: { broadcastId: string; time: string }[];
  updatedAt: number;
}
