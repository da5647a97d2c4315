import type { CaseKindRules } from '../domain/case-kinds';
import type { Draft } from './ports';

/**
 * A guided conversation described as data: the engine (engine.ts) asks each step's question,
 * checks the answer by the step's kind and moves on. Adding a question to a flow is adding a
 * step here and its words to the locales; no flow is written once per channel.
 */
interface BaseStep {
  /** Also the key of the answer in `draft.values` and of its label `fields.<id>` in the locales. */
  id: string;
  /** Locale key of the question. */
  prompt: string;
  /** Steps that do not apply to this draft (e.g. "when exactly?" unless "earlier" was chosen). */
  skip?: (draft: Draft) => boolean;
  /**
   * The answer is a line of what officers read (the alert, `/xem`), in step order: `fields.<id>: answer`,
   * a choice by its label. The category, place pin, media and contact have lines of their own.
   */
  shownToOfficer?: true;
}

export interface ChoiceStep extends BaseStep {
  kind: 'choice';
  choices: readonly string[];
  /** Locale prefix of the choices' labels: `${labels}.${choice}`. */
  labels: string;
  /**
   * What a typed sentence may answer besides a label or number (engine.ts): the case's category
   * read from the resident's words, a time ("đêm qua" → earlier, with the words as `detailStep`'s
   * answer), or a yes/no.
   */
  understands?: 'category' | 'time' | 'yesno';
  detailStep?: string;
}

export interface TextStep extends BaseStep {
  kind: 'text';
  minLength: number;
}

/** Address text, or a location shared with the platform's button. */
export interface PlaceStep extends BaseStep {
  kind: 'place';
}

/** Optional photos, videos, voice notes; "Done" moves on. */
export interface MediaStep extends BaseStep {
  kind: 'media';
}

/** A phone number, typed or shared with the platform's contact button. */
export interface ContactStep extends BaseStep {
  kind: 'contact';
}

/** The group's join code, which tells the area; may be skipped when the resident has none. */
export interface JoinCodeStep extends BaseStep {
  kind: 'joincode';
}

export interface ConfirmStep extends BaseStep {
  kind: 'confirm';
}

export type Step = ChoiceStep | TextStep | PlaceStep | MediaStep | ContactStep | JoinCodeStep | ConfirmStep;

/** A step officers are shown: its answer under the label `fields.<id>`, a choice's answer by its own label `<labels>.<answer>`. */
export interface OfficerField {
  id: string;
  labels?: string;
}

export function officerFields(flow: Flow): OfficerField[] {
  return flow.steps.filter((s) => s.shownToOfficer).map((s) => (s.kind === 'choice' ? { id: s.id, labels: s.labels } : { id: s.id }));
}

/**
 * A flow is a feature of its own: it declares how people reach it (commands, the menu entry, the
 * group button's deep-link prefix), the kind of case it files and that kind's rules, and which
 * answers officers see. Flows are found by file name (src/features/reporting/flows/*.flow.ts), so
 * adding one is adding its file and its words in the locales.
 */
export interface Flow {
  /** Stored with a conversation in progress; stable. */
  id: string;
  /** Its place in the menu and in the group's buttons, smallest first. */
  order: number;
  /** Commands that start it, Vietnamese first. */
  commands: readonly string[];
  /** Its entry in the private menu: `menu:<id>`, labelled by the locale key `menu.<id>`. */
  menuId: string;
  /** `/start <prefix>_<joinCode>`: the group's button opens the flow with the group known. */
  deepLinkPrefix: string;
  /** Bump when steps change meaning: older saved conversations are then restarted politely. */
  version: number;
  /** The case it files, with the rules the desk, routing and escalation apply to it. */
  kind: CaseKindRules;
  /**
   * The choice between 'anonymous' and 'contact', if the flow offers one: its cases are anonymous
   * unless 'contact' was picked. Without it (mediation: the mediators must call back) never.
   */
  identityStep?: string;
  /** The text step a resident's own account of what happened answers, when they open with one. */
  storyStep?: string;
  /** The step whose answer is the case's category. */
  categoryStep: string;
  /** Locale key of the first line of the summary ("Please check your tip"). */
  summaryTitle: string;
  steps: Step[];
}
