import { matchOption } from '../domain/option-match';
import { saysNone, saysNo, saysSend, saysYes, whenOf } from '../domain/understanding/answers';
import type { Reading } from '../domain/understanding/understand';
import { wordsOf } from '../domain/understanding/tokens';
import { fold, normalise } from '../domain/text';
import type { ChoiceStep, Flow, Step } from './flow';
import type { InboundMessage, Lang, Option, OutboundMessage } from './messages';
import type { ConversationState, Directory, Draft, Translate } from './ports';

/**
 * The engine walks a Flow: it renders the current step's question and applies one message to the
 * state. It knows nothing of platforms or storage; it returns the new state and the replies, and
 * says when the person confirmed (`submit`) or left (`ended`). Everything it does is a pure
 * function of (flow, state, message) except looking up a join code.
 */

export interface EngineContext {
  t: Translate;
  lang: Lang;
  directory: Pick<Directory, 'groupByJoinCode'>;
  maxTextLength: number;
  maxAttachments: number;
  /** A text this soon after a piece of the story adds to it; 0 = never. */
  storyJoinMs: number;
  now: number;
  /** The categories of a kind of case, likeliest first, read from a sentence (domain/understanding). */
  rank?: (kind: string, text: string) => Reading[];
}

/**
 * A sentence picks a category when its reading is at least this sure; else the likeliest few are
 * offered. By cross-validation on the corpus' train part (scripts/cv-understanding.ts), readings
 * from 60 % are right 99 % of the time: the rare wrong one is named back to the resident
 * ("flow.categoryUnderstood"), never taken silently.
 */
export const CATEGORY_SURE = 0.6;
/** A category offered in the shortlist must be at least this likely. */
const SHORTLIST_MIN = 0.05;
/** Below this the sentence names no category at all ("không biết chọn gì"): the whole list again. */
const SHORTLIST_TOP_MIN = 0.2;

export interface EngineResult {
  state: ConversationState;
  replies: OutboundMessage[];
  /** The person confirmed the summary: the caller submits the draft. */
  submit?: boolean;
  /** The person cancelled (or went back past the first question): the caller drops the state. */
  ended?: boolean;
  /** The person gave a valid join code: remember it for their next reports. */
  joinCode?: string;
}

const EDIT_STEP = '__edit';

/** Option ids. Step options carry their step so a stale button from an earlier question is caught. */
export const NAV = {
  back: 'nav:back',
  cancel: 'nav:cancel',
  done: 'nav:done',
  skip: 'nav:skip',
  confirm: 'nav:confirm',
  edit: 'nav:edit',
  summary: 'nav:summary',
  all: 'nav:all',
  /** Takes the voice notes out of the draft again (a voice note is the tipster's voice). */
  dropVoice: 'nav:dropVoice',
} as const;

const hasVoice = (draft: Draft): boolean => draft.attachments.some((a) => a.kind === 'voice');

export function startState(flow: Flow, caseId: string, draft: Draft, now: number, prefilled: string[] = []): ConversationState {
  const state: ConversationState = {
    flow: flow.id,
    version: flow.version,
    step: '',
    history: [],
    editing: false,
    draft,
    caseId,
    startedAt: now,
    updatedAt: now,
    ...(prefilled.length ? { prefilled } : {}),
  };
  state.step = nextStep(flow, state, -1)?.id ?? 'confirm';
  return state;
}

/** The current question, rendered for this state. */
export function prompt(flow: Flow, state: ConversationState, ctx: EngineContext): OutboundMessage {
  const { t, lang } = ctx;
  const nav = (...ids: (keyof typeof NAV)[]): Option[] => ids.map((id) => ({ id: NAV[id], label: t(lang, `nav.${id}`) }));
  if (state.step === EDIT_STEP) {
    const editable = flow.steps.filter((s) => s.kind !== 'confirm' && (s.kind === 'joincode' || !s.skip?.(state.draft)));
    return {
      text: t(lang, 'flow.editWhich'),
      options: [...editable.map((s) => ({ id: `${EDIT_STEP}:${s.id}`, label: t(lang, `fields.${s.id}`) })), ...nav('summary')],
    };
  }
  const step = stepById(flow, state.step);
  switch (step.kind) {
    case 'choice':
      if (state.shortlist?.length) {
        // The likeliest few read from the resident's sentence, then the whole list one tap away.
        const short = state.shortlist.map((c) => ({ id: `${step.id}:${c}`, label: t(lang, `${step.labels}.${c}`) }));
        return { text: t(lang, 'flow.categoryShortlist'), options: [...short, ...nav('all', 'back', 'cancel')] };
      }
      return { text: t(lang, step.prompt), options: [...choiceOptions(step, ctx), ...nav('back', 'cancel')] };
    case 'text':
      return { text: t(lang, step.prompt), options: nav('back', 'cancel') };
    case 'place':
      // No "share my current location" button: where the tipster is, is often their home. They type
      // the address or pick the place on the map (Telegram's attachment menu); the prompt says why.
      return { text: t(lang, step.prompt), options: nav('back', 'cancel') };
    case 'media':
      return {
        text: t(lang, step.prompt),
        options: hasVoice(state.draft) ? nav('done', 'dropVoice', 'back', 'cancel') : nav('done', 'back', 'cancel'),
      };
    case 'contact':
      return {
        text: t(lang, step.prompt),
        options: nav('back', 'cancel'),
        request: { kind: 'contact', label: t(lang, 'flow.shareContact') },
      };
    case 'joincode':
      return { text: t(lang, step.prompt), options: nav('skip', 'back', 'cancel') };
    case 'confirm':
      return {
        text: `${t(lang, flow.summaryTitle)}\n\n${summary(flow, state.draft, ctx)}\n\n${t(lang, 'flow.confirm')}`,
        options: hasVoice(state.draft) ? nav('confirm', 'edit', 'dropVoice', 'cancel') : nav('confirm', 'edit', 'cancel'),
      };
  }
}

/** "Field: value" lines of everything answered, as the resident will be asked to confirm it. */
export function summary(flow: Flow, draft: Draft, ctx: Pick<EngineContext, 't' | 'lang'>): string {
  const { t, lang } = ctx;
  const lines: string[] = [];
  for (const step of flow.steps) {
    // The group is shown even when it was known before the flow began: it decides who is alerted.
    if (step.kind === 'confirm' || (step.kind !== 'joincode' && step.skip?.(draft))) continue;
    const value = draft.values[step.id];
    let shown: string;
    if (step.kind === 'choice') shown = value ? t(lang, `${step.labels}.${value}`) : '';
    else if (step.kind === 'place') shown = [value, draft.location ? t(lang, 'flow.pinShared') : ''].filter(Boolean).join(' · ');
    else if (step.kind === 'media') shown = t(lang, 'flow.attachmentCount', { count: draft.attachments.length });
    else if (step.kind === 'joincode') shown = value ? `${draft.values.groupTitle ?? ''} (${value})` : t(lang, 'flow.noGroup');
    else shown = value ?? '';
    lines.push(`${t(lang, `fields.${step.id}`)}: ${shown || '—'}`);
  }
  return lines.join('\n');
}

/** Applies one message to the conversation. */
export async function advance(flow: Flow, state: ConversationState, msg: InboundMessage, ctx: EngineContext): Promise<EngineResult> {
  const s: ConversationState = {
    ...state,
    draft: { ...state.draft, values: { ...state.draft.values }, attachments: [...state.draft.attachments] },
    history: [...state.history],
    updatedAt: ctx.now,
  };
  const { t, lang } = ctx;
  const reply = (...texts: string[]): EngineResult => ({ state: s, replies: [...texts.map((text) => ({ text })), prompt(flow, s, ctx)] });
  const notes: string[] = [];

  // Media and places sent at another step are kept, not dropped: the resident meant them for this report.
  const step = s.step === EDIT_STEP ? undefined : stepById(flow, s.step);
  if (msg.attachments?.length && step?.kind !== 'media') {
    const room = ctx.maxAttachments - s.draft.attachments.length;
    s.draft.attachments.push(...msg.attachments.slice(0, Math.max(0, room)));
    notes.push(t(lang, room > 0 ? 'flow.attachmentKept' : 'flow.attachmentsFull', { max: ctx.maxAttachments }));
  }
  // Said when it arrives, before the report goes anywhere, with the way to take it out again.
  if (msg.attachments?.some((a) => a.kind === 'voice')) notes.push(t(lang, 'flow.voiceWarning'));
  if (msg.location && step?.kind !== 'place') {
    s.draft.location = msg.location;
    notes.push(t(lang, 'flow.locationKept'));
  }

  const picked = pickOption(flow, s, msg, ctx);
  if (picked === 'stale') return reply(...notes, t(lang, 'flow.staleButton'));
  if (picked) {
    const r = await applyOption(flow, s, picked, ctx);
    if (r) return { ...r, replies: [...notes.map((text) => ({ text })), ...r.replies] };
  }

  if (!step) return reply(...notes, t(lang, 'flow.pickOption'));
  const text = msg.text === undefined ? undefined : normalise(msg.text);
  if (text !== undefined && Array.from(text).length > ctx.maxTextLength) {
    return reply(...notes, t(lang, 'flow.tooLong', { length: Array.from(text).length, max: ctx.maxTextLength }));
  }
  const joined = text ? joinStory(flow, state, s, text, ctx) : undefined;
  if (joined) return reply(...notes, ...joined);

  switch (step.kind) {
    case 'choice': {
      if (notes.length > 0 && !text) return reply(...notes);
      if (text) {
        const understood = understandChoice(flow, step, s, text, ctx);
        if (understood) return understood;
      }
      return reply(...notes, t(lang, 'flow.pickOption'));
    }
    case 'confirm':
      if (notes.length > 0 && !text) return reply(...notes);
      if (text && saysSend(text)) return { state: s, replies: [], submit: true };
      return reply(...notes, t(lang, 'flow.pickOption'));
    case 'text':
      if (!text) return reply(...(notes.length ? notes : [t(lang, 'flow.needText')]));
      if (Array.from(text).length < step.minLength) return reply(...notes, t(lang, 'flow.tooShort'));
      s.draft.values[step.id] = text;
      if (step.id === flow.storyStep) s.storyAt = ctx.now;
      return moveOn(flow, s, ctx, notes);
    case 'place':
      if (msg.location) {
        s.draft.location = msg.location;
        s.draft.values[step.id] = text ?? s.draft.values[step.id] ?? '';
        return moveOn(flow, s, ctx, notes);
      }
      if (!text || Array.from(text).length < 3) return reply(...(notes.length ? notes : [t(lang, 'flow.needPlace')]));
      s.draft.values[step.id] = text;
      return moveOn(flow, s, ctx, notes);
    case 'media': {
      if (msg.attachments?.length) {
        const room = ctx.maxAttachments - s.draft.attachments.length;
        s.draft.attachments.push(...msg.attachments.slice(0, Math.max(0, room)));
        const key = room >= msg.attachments.length ? 'flow.mediaReceived' : 'flow.attachmentsFull';
        const received = t(lang, key, { count: s.draft.attachments.length, max: ctx.maxAttachments });
        return {
          state: s,
          replies: [{ text: [...notes, received].join('\n\n'), options: prompt(flow, s, ctx).options }],
        };
      }
      if (text && saysNone(text)) return moveOn(flow, s, ctx, notes);
      return reply(...notes, t(lang, 'flow.needMedia'));
    }
    case 'contact': {
      const phone = msg.contactPhone ?? (text ? parsePhone(text) : null);
      if (!phone) return reply(...notes, t(lang, 'flow.badPhone'));
      s.draft.values[step.id] = phone;
      return moveOn(flow, s, ctx, notes);
    }
    case 'joincode': {
      if (!text) return reply(...notes, t(lang, 'flow.needJoinCode'));
      const group = await findGroup(text, ctx);
      if (!group && saysNone(text)) {
        // "không có mã", "ko biet": the case goes to the ward's supervisors, as with Skip.
        s.draft.values[step.id] = '';
        return moveOn(flow, s, ctx, notes);
      }
      if (!group) return reply(...notes, t(lang, 'flow.unknownJoinCode'));
      s.draft.values[step.id] = group.joinCode;
      s.draft.values.groupTitle = group.title;
      const r = moveOn(flow, s, ctx, [...notes, t(lang, 'flow.joined', { group: group.title })]);
      return { ...r, joinCode: group.joinCode };
    }
  }
}

/**
 * People tell a story in two or three messages sent in a row, each within seconds of the last. A text
 * sent within ctx.storyJoinMs (default 8 s) of the last piece of the story, at any later step, is added to the
 * story (up to the length limit) and the current question is asked again: the notes to reply, or
 * undefined when the text is an answer. Never while editing, where the resident answers one field.
 */
function joinStory(flow: Flow, before: ConversationState, s: ConversationState, text: string, ctx: EngineContext): string[] | undefined {
  const story = flow.storyStep;
  if (!story || before.storyAt === undefined || s.editing || s.step === story) return undefined;
  // Nobody reads the next question and answers it this fast: it is more of the story.
  if (ctx.storyJoinMs <= 0 || ctx.now - before.storyAt > ctx.storyJoinMs) return undefined;
  const told = s.draft.values[story] ?? '';
  const together = `${told}\n${text}`;
  if (Array.from(together).length > ctx.maxTextLength) return undefined;
  s.draft.values[story] = together;
  s.storyAt = ctx.now;
  return [ctx.t(ctx.lang, 'flow.storyAdded', { field: ctx.t(ctx.lang, `fields.${story}`) })];
}

/** A button press, or typed text that names one of the current options. */
function pickOption(flow: Flow, s: ConversationState, msg: InboundMessage, ctx: EngineContext): string | 'stale' | undefined {
  const options = prompt(flow, s, ctx).options ?? [];
  if (msg.choice !== undefined) return options.some((o) => o.id === msg.choice) ? msg.choice : 'stale';
  if (!msg.text) return undefined;
  const step = s.step === EDIT_STEP ? undefined : stepById(flow, s.step);
  // On free-text questions only an exact number or label counts, so an answer is never mistaken for "Back".
  const freeText = step && ['text', 'place', 'contact', 'joincode'].includes(step.kind);
  const match = matchOption(options, msg.text);
  if (!match) return undefined;
  if (freeText && !/^\s*\d{1,3}[.)]?\s*$/.test(msg.text) && fold(match.label) !== fold(msg.text)) return undefined;
  return match.id;
}

async function applyOption(flow: Flow, s: ConversationState, id: string, ctx: EngineContext): Promise<EngineResult | undefined> {
  const { t, lang } = ctx;
  const again = (...texts: string[]): EngineResult => ({ state: s, replies: [...texts.map((text) => ({ text })), prompt(flow, s, ctx)] });
  switch (id) {
    case NAV.cancel:
      return { state: s, replies: [{ text: t(lang, 'flow.cancelled') }], ended: true };
    case NAV.back: {
      if (s.editing) {
        s.editing = false;
        s.step = 'confirm';
        return again();
      }
      const previous = s.history.pop();
      if (previous === undefined) return { state: s, replies: [{ text: t(lang, 'flow.cancelled') }], ended: true };
      s.step = previous;
      return again();
    }
    case NAV.done:
    case NAV.skip:
      if (s.step === 'joinCode') s.draft.values.joinCode = '';
      return moveOn(flow, s, ctx, []);
    case NAV.confirm:
      return { state: s, replies: [], submit: true };
    case NAV.edit:
      s.step = EDIT_STEP;
      return again();
    case NAV.summary:
      s.step = 'confirm';
      s.editing = false;
      return again();
    case NAV.all:
      s.shortlist = undefined;
      return again();
    case NAV.dropVoice: {
      const count = s.draft.attachments.filter((a) => a.kind === 'voice').length;
      s.draft.attachments = s.draft.attachments.filter((a) => a.kind !== 'voice');
      return again(t(lang, 'flow.voiceRemoved', { count }));
    }
  }
  const [stepId, value] = splitOnce(id);
  if (stepId === EDIT_STEP) {
    s.step = value;
    s.editing = true;
    return again();
  }
  const step = stepById(flow, stepId);
  if (step.kind !== 'choice' || !step.choices.includes(value)) return undefined;
  s.draft.values[step.id] = value;
  s.shortlist = undefined;
  return moveOn(flow, s, ctx, []);
}

/** After an answer: the next question; while editing, straight back to the summary once nothing new is needed. */
function moveOn(flow: Flow, s: ConversationState, ctx: EngineContext, notes: string[]): EngineResult {
  const index = flow.steps.findIndex((x) => x.id === s.step);
  const next = nextStep(flow, s, index);
  if (s.editing) {
    // A changed answer may open a question not answered yet ("earlier" → "when exactly?").
    if (next && next.kind !== 'confirm' && next.kind !== 'media' && s.draft.values[next.id] === undefined) s.step = next.id;
    else {
      s.step = 'confirm';
      s.editing = false;
    }
  } else {
    s.history.push(s.step);
    s.step = next?.id ?? 'confirm';
  }
  return { state: s, replies: [...notes.map((text) => ({ text })), prompt(flow, s, ctx)] };
}

function nextStep(flow: Flow, s: ConversationState, index: number): Step | undefined {
  // Steps the resident's opening message already answered are not asked (they can still be edited).
  return flow.steps.slice(index + 1).find((x) => !x.skip?.(s.draft) && !s.prefilled?.includes(x.id));
}

function stepById(flow: Flow, id: string): Step {
  const step = flow.steps.find((x) => x.id === id);
  if (!step) throw new Error(`Flow ${flow.id} has no step ${id}`);
  return step;
}

function choiceOptions(step: ChoiceStep, ctx: EngineContext): Option[] {
  return step.choices.map((c) => ({ id: `${step.id}:${c}`, label: ctx.t(ctx.lang, `${step.labels}.${c}`) }));
}

function splitOnce(id: string): [string, string] {
  const at = id.indexOf(':');
  return at < 0 ? [id, ''] : [id.slice(0, at), id.slice(at + 1)];
}

/** Vietnamese numbers: 0xxxxxxxxx or +84xxxxxxxxx, with spaces, dots or dashes people type. */
/** A Vietnamese phone number, alone or inside a sentence ("sdt em la 0909 123 456"), digits only. */
export function parsePhone(text: string): string | null {
  const compact = text.replace(/[\s.\-()]/g, '');
  if (/^(\+?84|0)\d{8,10}$/.test(compact)) return compact;
  const inside = /(?:^|[^\d+])((?:\+?84|0)(?:[\s.-]?\d){8,10})(?!\d)/.exec(text);
  return inside ? inside[1].replace(/[\s.-]/g, '') : null;
}

/**
 * A group code as people type it: "kp1 to3", "KP1-TO3", and a zero for an O ("kp1t03"). Codes are
 * letters and digits; the spaces and dashes go, then the code is tried as typed and with 0 as O.
 */
async function findGroup(text: string, ctx: EngineContext) {
  const compact = text.replace(/[\s._-]/g, '');
  if (!/^[\p{L}\p{N}]{3,20}$/u.test(compact)) return ctx.directory.groupByJoinCode(text);
  for (const candidate of [...new Set([text, compact, compact.replace(/0/g, 'O')])]) {
    const group = await ctx.directory.groupByJoinCode(candidate);
    if (group) return group;
  }
  return null;
}

/**
 * A sentence at a choice step: a time ("đêm qua" fills "when" and its detail), a yes or no, or a
 * category read from the resident's own words: picked when the reading is sure, else the likeliest
 * few offered (never a silent wrong guess). The sentence also becomes the story when the flow has
 * one and it is still empty, so the resident is not asked again what they just wrote.
 */
function understandChoice(flow: Flow, step: ChoiceStep, s: ConversationState, text: string, ctx: EngineContext): EngineResult | undefined {
  const { t, lang } = ctx;
  const choose = (value: string, notes: string[] = []) => {
    s.draft.values[step.id] = value;
    s.shortlist = undefined;
    return moveOn(flow, s, ctx, notes);
  };
  if (step.understands === 'time') {
    const when = whenOf(text);
    if (!when || !step.choices.includes(when.when)) return undefined;
    if (when.when === 'earlier' && step.detailStep) {
      s.draft.values[step.detailStep] = when.detail;
      s.prefilled = [...(s.prefilled ?? []), step.detailStep];
    }
    return choose(when.when);
  }
  if (step.understands === 'yesno') {
    if (saysYes(text) && step.choices.includes('yes')) return choose('yes');
    if (saysNo(text) && step.choices.includes('no')) return choose('no');
    return undefined;
  }
  if (step.understands !== 'category' || !ctx.rank) return undefined;
  const ranked = ctx.rank(flow.kind.id, text).filter((r) => r.category && step.choices.includes(r.category));
  const [top] = ranked;
  if (!top?.category || top.confidence < SHORTLIST_TOP_MIN) return undefined;
  const story = flow.storyStep;
  if (story && s.draft.values[story] === undefined && wordsOf(text).folded.length >= 4) {
    s.draft.values[story] = text;
    s.prefilled = [...(s.prefilled ?? []), story];
    s.storyAt = ctx.now;
  }
  if (top.confidence >= CATEGORY_SURE)
    return choose(top.category, [t(lang, 'flow.categoryUnderstood', { category: t(lang, `${step.labels}.${top.category}`) })]);
  const short = ranked
    .filter((r) => r.confidence >= SHORTLIST_MIN)
    .slice(0, 3)
    .map((r) => r.category!);
  if (step.choices.includes('other') && !short.includes('other')) short.push('other');
  s.shortlist = short;
  return { state: s, replies: [prompt(flow, s, ctx)] };
}

export function isFlowState(flow: Flow, state: ConversationState): boolean {
  return (
    state.flow === flow.id && state.version === flow.version && (state.step === EDIT_STEP || flow.steps.some((x) => x.id === state.step))
  );
}
