import { FaqIndex, looksLikeQuestion, type FaqDocument, type FaqResult } from './faq-match';
import type { CommandSpec } from '../../conversations/command-table';
import type { Feature, FeatureContext } from '../../conversations/feature';
import type { ChannelName, Lang, Option, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';

/**
 * Answers common questions from the FAQ kept in the locales (`faq.entries.<id>`): any private text
 * nothing else understood, `/hoi <question>` (`/faq`, `/hoidap`) in private chats and groups, and
 * a message in a group that mentions the bot. A question that matches nothing is answered with an
 * honest "no answer" and the menu, never a guess, and is counted (the FAQ's own words only, for
 * 90 days) so the operators can see what to add (scripts/faq-misses).
 */

/** Questions nobody could answer: the FAQ words in them (FaqIndex.missKey) → count. No user ids, names or chat ids. */
export interface FaqMisses {
  record(key: string): Promise<void>;
}

/** Who covers a resident's area, for the "who is my area officer" answer. */
export interface AreaContacts {
  forJoinCode(joinCode: string): Promise<AreaContact | null>;
  forGroupChat(channel: ChannelName, chatId: string): Promise<AreaContact | null>;
}

export interface AreaContact {
  areaName: string;
  /** Names of the area officers (CSKV) nearest the area; empty when none is recorded. */
  officers: string[];
}

export interface FaqDeps {
  t: Translate;
  /** Entry ids in the order topics are listed, with their sample questions (both languages). */
  documents: FaqDocument[];
  misses?: FaqMisses;
  contacts?: AreaContacts;
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
  /** Told of every question the FAQ had no answer for, on any channel (tnd_faq_misses_total). */
  missed?: () => void;
}

export const FAQ_COMMANDS = ['hoi', 'faq', 'hoidap'];
const LIST = 'faq:list';
/** Entries whose answer ends with the button that starts what it explains. */
const STARTS: Record<string, string> = { tip: 'menu:tip', mediation: 'menu:mediation' };

export class FaqFeature implements Feature {
  readonly name = 'faq';
  private readonly index: FaqIndex;
  private readonly ids: string[];

  constructor(private readonly deps: FaqDeps) {
    this.index = new FaqIndex(deps.documents);
    this.ids = deps.documents.map((d) => d.id);
  }

  menuItems(lang: Lang): Option[] {
    return [{ id: LIST, label: this.deps.t(lang, 'faq.menu') }];
  }

  readonly commands: CommandSpec[] = [
    {
      names: FAQ_COMMANDS,
      owner: this.name,
      where: 'both',
      run: (ctx) => {
        const question = ctx.msg.command!.args.trim();
        return question ? this.ask(ctx, question) : Promise.resolve([this.topics(ctx)]);
      },
    },
  ];

  readonly choices = {
    prefixes: ['faq:'],
    run: async (ctx: FeatureContext) => {
      const id = ctx.msg.choice!.slice(4);
      return this.ids.includes(id) ? this.answer(ctx, id) : [this.topics(ctx)];
    },
  };

  /** Privacy mode shows the bot only commands, replies and mentions in a group: a mention is a question. */
  async groupMention(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    const question = (ctx.msg.text ?? '').replace(/@[A-Za-z0-9_]{3,64}/g, ' ').trim();
    return question ? this.ask(ctx, question) : [this.topics(ctx)];
  }

  /**
   * A private text nothing else understood: maybe a question. Chatter ("hello", "ok") that fits
   * no entry is left to the service's "not understood" and menu, and is not counted as a miss.
   */
  async fallback(ctx: FeatureContext): Promise<OutboundMessage[] | null> {
    const { msg } = ctx;
    if (msg.chatType !== 'private' || !msg.text) return null;
    const result = this.index.match(msg.text);
    if (!looksLikeQuestion(msg.text) && result.kind === 'none') return null;
    // A report is offered as one by the service: never "your question was noted" to a victim.
    if (ctx.readsAsReport && result.kind !== 'answer') return null;
    return this.ask(ctx, msg.text);
  }

  answers(text: string): boolean {
    return this.index.match(text).kind === 'answer';
  }

  /** What an unanswered question is counted as (FaqIndex.missKey). */
  missKey(question: string): string {
    return this.index.missKey(question);
  }

  /** The matcher's verdict for a question, for tests and tools. */
  match(question: string): FaqResult {
    return this.index.match(question);
  }

  private async ask(ctx: FeatureContext, question: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { lang, msg } = ctx;
    const result = this.index.match(question);
    if (result.kind === 'answer') {
      this.deps.log('faq.answered', { id: result.id, score: Math.round(result.score * 100), channel: msg.channel });
      return this.answer(ctx, result.id);
    }
    if (result.kind === 'ambiguous') {
      this.deps.log('faq.ambiguous', { candidates: result.candidates.length, channel: msg.channel });
      return [
        {
          text: t(lang, 'faq.didYouMean'),
          options: [...result.candidates.map((c) => this.topicOption(lang, c.id)), { id: LIST, label: t(lang, 'faq.allTopics') }],
        },
      ];
    }
    await this.recordMiss(question);
    this.deps.log('faq.miss', { channel: msg.channel });
    this.deps.missed?.();
    if (msg.chatType === 'group') return [{ text: t(lang, 'faq.groupNoMatch') }];
    return [{ text: t(lang, 'faq.noMatch'), options: [{ id: LIST, label: t(lang, 'faq.allTopics') }] }, ctx.menu()];
  }

  private async answer(ctx: FeatureContext, id: string): Promise<OutboundMessage[]> {
    const { t } = this.deps;
    const { lang, msg } = ctx;
    let text = t(lang, `faq.entries.${id}.answer`);
    if (id === 'officer') text += `\n\n${await this.officerLine(ctx)}`;
    if (msg.chatType === 'group') return [{ text }];
    const options: Option[] = [];
    if (STARTS[id]) options.push({ id: STARTS[id], label: t(lang, STARTS[id].replace(':', '.')) });
    options.push({ id: LIST, label: t(lang, 'faq.allTopics') });
    return [{ text, options }];
  }

  private async officerLine(ctx: FeatureContext): Promise<string> {
    const { t, contacts } = this.deps;
    const { lang, msg, profile } = ctx;
    let contact: AreaContact | null = null;
    try {
      if (msg.chatType === 'group') contact = (await contacts?.forGroupChat(msg.channel, msg.chatId)) ?? null;
      else if (profile.joinCode) contact = (await contacts?.forJoinCode(profile.joinCode)) ?? null;
    } catch {
      contact = null;
    }
    if (!contact) return t(lang, 'faq.askJoinCode');
    if (contact.officers.length === 0) return t(lang, 'faq.noOfficerYet', { area: contact.areaName });
    return t(lang, 'faq.yourOfficer', { area: contact.areaName, officers: contact.officers.join(', ') });
  }

  private topics(ctx: FeatureContext): OutboundMessage {
    const { lang, msg } = ctx;
    return {
      text: this.deps.t(lang, msg.chatType === 'group' ? 'faq.groupTopics' : 'faq.topics'),
      options: this.ids.map((id) => this.topicOption(lang, id)),
    };
  }

  private topicOption(lang: Lang, id: string): Option {
    return { id: `faq:${id}`, label: this.deps.t(lang, `faq.entries.${id}.title`) };
  }

  /** Counting must never cost the resident their answer. */
  private async recordMiss(question: string): Promise<void> {
    const key = this.missKey(question);
    if (!key || !this.deps.misses) return;
    try {
      await this.deps.misses.record(key);
    } catch (err) {
      this.deps.log('faq.miss_not_counted', { error: err instanceof Error ? err.name : 'unknown' });
    }
  }
}
