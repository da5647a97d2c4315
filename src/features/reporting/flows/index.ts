import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CaseKindCatalogue, type CaseKind } from '../../../domain/case-kinds';
import { AppError } from '../../../domain/app-error';
import { officerFields, type Flow, type OfficerField } from '../../../conversations/flow';

export class FlowDefinitionError extends AppError {}

/** `tip.flow.ts` here, `tip.flow.js` once built; never a declaration or a source map. */
const FLOW_FILE = /\.flow\.(ts|js)$/;

/**
 * Every `*.flow.ts` file in this folder, each exporting `flow`, smallest `order` first. Found by
 * name rather than listed so that adding a flow is adding its file (and its words): there is no
 * second list to forget, and the service, the menu, the alert, the job schema and the reference
 * codes all take their flows and kinds from here.
 */
function loadFlows(dir: string): Flow[] {
  const flows = readdirSync(dir)
    .filter((name) => FLOW_FILE.test(name))
    .sort()
    .map((name) => {
      // A synchronous require at start-up: the flows are needed before anything else is built.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = (require(join(dir, name)) as { flow?: Flow }).flow;
      if (!loaded || !Array.isArray(loaded.steps)) throw new FlowDefinitionError(`${name} must export its flow as \`flow\``);
      return loaded;
    });
  const orders = flows.map((f) => f.order);
  const ids = flows.map((f) => f.id);
  if (new Set(orders).size !== orders.length) throw new FlowDefinitionError(`two flows share an order: ${orders.join(', ')}`);
  if (new Set(ids).size !== ids.length) throw new FlowDefinitionError(`two flows share an id: ${ids.join(', ')}`);
  return flows.sort((a, b) => a.order - b.order);
}

/** The flows residents can go through, one a kind of case. */
export const FLOWS: readonly Flow[] = loadFlows(__dirname);

/** Their kinds of case, checked once (ids and reference prefixes unique). */
export const CASE_KINDS = new CaseKindCatalogue(FLOWS.map((f) => f.kind));

/** The flow residents get when nothing says which: the first (tin báo). */
export const DEFAULT_FLOW: Flow = FLOWS[0];

/**
 * The locale keys a flow needs in every language (checked by test/unit/locales.test.ts): its
 * menu entry, group button, questions, choices, fields and summary, and its kind's words on the
 * officer's side (alert title, kind name, what the resident is told, the categories).
 */
export function wordsOf(flow: Flow): string[] {
  const { id, kind } = flow;
  const words = [
    flow.menuId.replace(':', '.'),
    `group.button.${id}`,
    `${id}.intro`,
    `${id}.received`,
    flow.summaryTitle,
    `draft.unfinished.${id}`,
    `draft.continue.${id}`,
  ];
  for (const step of flow.steps) {
    words.push(step.prompt);
    if (step.kind !== 'confirm') words.push(`fields.${step.id}`);
    if (step.kind === 'choice') words.push(...step.choices.map((c) => `${step.labels}.${c}`));
  }
  words.push(
    `alert.title.${kind.id}`,
    `officer.kind.${kind.id}`,
    `officer.resident.title.${kind.id}`,
    `officer.resident.acknowledged.${kind.id}`,
    `officer.resident.closed.${kind.id}`,
  );
  words.push(...kind.categories.map((c) => `categories.${kind.id}.${c}`));
  return words;
}

const OFFICER_FIELDS = new Map<CaseKind, OfficerField[]>(FLOWS.map((f) => [f.kind.id, officerFields(f)]));

/**
 * What officers are shown of a case of this kind, as its flow declares it. The alert and `/xem`
 * are written from a stored case, long after its conversation: the case's kind finds its flow.
 */
export function officerFieldsOf(kind: CaseKind): readonly OfficerField[] {
  return OFFICER_FIELDS.get(kind) ?? [];
}
