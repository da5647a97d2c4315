import type { CaseKindRules } from '../../../domain/case-kinds';
import type { Flow } from '../../../conversations/flow';

/** Mâu thuẫn trong nội bộ nhân dân: kinds of dispute for mediation. */
const MEDIATION_KINDS = ['land', 'construction', 'noise', 'family', 'debt', 'inheritance', 'pollution', 'other'] as const;

const MEDIATION: CaseKindRules = {
  id: 'mediation',
  refPrefix: 'HG',
  categories: MEDIATION_KINDS,
  urgentCategories: [],
  outcomes: ['mediated_success', 'mediated_failed', 'transferred'],
  handledByMediators: true,
};

/**
 * Yêu cầu hòa giải: the kind of dispute, the parties (roles; names optional), what it is about,
 * whether it was mediated before, and how to reach the requester. Never anonymous: the mediators
 * must be able to call back.
 */
export const flow: Flow = {
  id: 'mediation',
  order: 2,
  commands: ['hoagiai', 'mediation'],
  menuId: 'menu:mediation',
  deepLinkPrefix: 'hg',
  version: 1,
  kind: MEDIATION,
  storyStep: 'description',
  categoryStep: 'category',
  summaryTitle: 'mediation.summaryTitle',
  steps: [
    { id: 'joinCode', kind: 'joincode', prompt: 'flow.joinCode', skip: (d) => d.values.joinCode !== undefined },
    {
      id: 'category',
      kind: 'choice',
      prompt: 'mediation.category',
      choices: MEDIATION_KINDS,
      labels: 'categories.mediation',
      understands: 'category',
    },
    { id: 'parties', kind: 'text', prompt: 'mediation.parties', minLength: 3, shownToOfficer: true },
    { id: 'description', kind: 'text', prompt: 'mediation.description', minLength: 5, shownToOfficer: true },
    {
      id: 'mediatedBefore',
      kind: 'choice',
      prompt: 'mediation.mediatedBefore',
      choices: ['yes', 'no'],
      labels: 'yesNo',
      understands: 'yesno',
      shownToOfficer: true,
    },
    { id: 'contact', kind: 'contact', prompt: 'mediation.contact' },
    {
      id: 'reachTime',
      kind: 'choice',
      prompt: 'mediation.reachTime',
      choices: ['morning', 'afternoon', 'evening', 'anytime'],
      labels: 'reachTime',
      shownToOfficer: true,
    },
    { id: 'confirm', kind: 'confirm', prompt: 'flow.confirm' },
  ],
};
