import { TIP_CATEGORIES } from '../../../domain/case-kinds';
import type { Flow } from '../../../conversations/flow';

/** Tin báo: what, where, when, optional media, anonymous or with a contact. About a minute on a phone. */
export const tipFlow: Flow = {
  id: 'tip',
  commands: ['baotin', 'tip'],
  menuId: 'menu:tip',
  deepLinkPrefix: 'tip',
  version: 1,
  kind: 'tip',
  categoryStep: 'category',
  summaryTitle: 'tip.summaryTitle',
  steps: [
    { id: 'joinCode', kind: 'joincode', prompt: 'flow.joinCode', skip: (d) => d.values.joinCode !== undefined },
    { id: 'category', kind: 'choice', prompt: 'tip.category', choices: TIP_CATEGORIES, labels: 'categories.tip' },
    { id: 'what', kind: 'text', prompt: 'tip.what', minLength: 5, shownToOfficer: true },
    { id: 'where', kind: 'place', prompt: 'tip.where', shownToOfficer: true },
    { id: 'when', kind: 'choice', prompt: 'tip.when', choices: ['now', 'today', 'earlier'], labels: 'when', shownToOfficer: true },
    { id: 'whenDetail', kind: 'text', prompt: 'tip.whenDetail', minLength: 2, skip: (d) => d.values.when !== 'earlier', shownToOfficer: true },
    { id: 'media', kind: 'media', prompt: 'tip.media' },
    { id: 'identity', kind: 'choice', prompt: 'tip.identity', choices: ['anonymous', 'contact'], labels: 'identity' },
    { id: 'contact', kind: 'contact', prompt: 'tip.contact', skip: (d) => d.values.identity !== 'contact' },
    { id: 'confirm', kind: 'confirm', prompt: 'flow.confirm' },
  ],
};
