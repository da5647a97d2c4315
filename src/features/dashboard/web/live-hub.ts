import type { ServerResponse } from 'node:http';
import { isStaff, refusalFor } from '../../../domain/case-workflow';
import type { DeskCase } from '../../../domain/case-record';
import type { Lang } from '../../../conversations/messages';
import type { Translate } from '../../../conversations/ports';
import { CASE_KINDS } from '../../reporting/flows';
import type { DashboardDesk, DashboardStaff, LiveCases, Sessions } from '../ports';

/** One browser's live view: whose it is, in which language, and its open response. */
interface Viewer {
  sessionId: string;
  officerId: string;
  staff: DashboardStaff;
  lang: Lang;
  res: ServerResponse;
}

export interface LiveHubOptions {
  /** How often each stream is re-checked (session alive, officer still active and covering) and kept open. */
  heartbeatMs: number;
  /** Streams at most, per process and per officer: a stuck client cannot hold the server's sockets. */
  maxStreams: number;
  maxPerOfficer: number;
}

/**
 * The dashboard's live updates: one listener on the case events (Redis pub/sub) per process, and
 * for each event one lookup of the case, sent to every open stream whose reader may see it (the
 * desk's own rule, `refusalFor` 'view'). A heartbeat re-reads each reader's session and record, so
 * a deactivated or moved officer's stream ends as their pages do. What a stream carries is what
 * the list shows: code, status, category, area, and whether the category is urgent.
 */
export class LiveHub {
  private readonly viewers = new Set<Viewer>();
  private timer?: NodeJS.Timeout;
  private listening?: Promise<() => void>;

  constructor(
    private readonly deps: { t: Translate; desk: DashboardDesk; sessions: Sessions; live: LiveCases },
    private readonly opts: LiveHubOptions,
  ) {}

  /** Whether another stream may open now (checked before answering 200). */
  hasRoomFor(officerId: string): boolean {
    if (this.viewers.size >= this.opts.maxStreams) return false;
    let mine = 0;
    for (const v of this.viewers) if (v.officerId === officerId) mine++;
    return mine < this.opts.maxPerOfficer;
  }

  /**
   * Resolves once this process listens to the case events (subscribed in Redis): a stream is
   * answered only then, so an event published right after a reader's stream opens reaches them.
   * One subscription however many streams open at once; a failed one is tried again next time.
   */
  ready(): Promise<void> {
    this.listening ??= this.deps.live
      .listen((e) => void this.deliver(e.type, e.refCode))
      .catch((error: unknown) => {
        this.listening = undefined;
        throw error;
      });
    return this.listening.then(() => undefined);
  }

  /** A reader's stream, answered after `ready()`: from now on it hears what it may see. */
  add(viewer: Viewer): void {
    this.timer ??= setInterval(() => void this.heartbeat(), this.opts.heartbeatMs);
    this.viewers.add(viewer);
    viewer.res.on('close', () => this.viewers.delete(viewer));
  }

  get size(): number {
    return this.viewers.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.listening?.then((stop) => stop()).catch(() => undefined);
    this.listening = undefined;
    for (const v of this.viewers) v.res.end();
    this.viewers.clear();
  }

  private async deliver(type: 'new' | 'changed', refCode: string): Promise<void> {
    if (this.viewers.size === 0) return;
    const c = await this.deps.desk.byRef(refCode).catch(() => null);
    if (!c) return;
    const guarded = { ...c, handledByMediators: CASE_KINDS.get(c.kind).handledByMediators };
    for (const v of this.viewers) {
      if (refusalFor(v.staff, 'view', guarded)) continue;
      write(v.res, 'case', this.payload(type, c, v.lang));
    }
  }

  private payload(type: 'new' | 'changed', c: DeskCase, lang: Lang) {
    const { t } = this.deps;
    return {
      type,
      ref: c.refCode,
      status: c.status,
      statusLabel: t(lang, `officer.statusLabel.${c.status}`),
      category: t(lang, `categories.${c.kind}.${c.category}`),
      area: c.areaName ?? t(lang, 'alert.noArea'),
      urgent: CASE_KINDS.get(c.kind).urgentCategories.includes(c.category),
    };
  }

  /** Keeps proxies from closing an idle stream, and ends the streams of those no longer allowed. */
  private async heartbeat(): Promise<void> {
    for (const v of [...this.viewers]) {
      const session = await this.deps.sessions.load(v.sessionId, false).catch(() => null);
      const staff = session ? await this.deps.desk.staffOf(v.officerId).catch(() => null) : null;
      if (!session || !isStaff(staff)) {
        // The page's script reloads on 'end', and the reload shows why (logged out, no access).
        write(v.res, 'end', {});
        v.res.end();
        this.viewers.delete(v);
        continue;
      }
      v.staff = staff;
      v.res.write(': keep-alive\n\n');
    }
  }
}

function write(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
