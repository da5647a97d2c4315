import type { CaseKindRules } from '../../../domain/case-kinds';
import type { Flow } from '../../../conversations/flow';

/** Tin báo categories seen in practice (docs/domain.md). */
const TIP_CATEGORIES = [
  'theft', // trộm cắp, cướp giật
  'drugs', // ma túy
  'gambling', // cờ bạc
  'social_evils', // tệ nạn xã hội
  'racing', // đua xe trái phép
  'disorder', // gây rối trật tự công cộng
  'suspicious', // đối tượng khả nghi, người lạ
  'fraud', // lừa đảo qua mạng/điện thoại
  'fire_risk', // phòng cháy chữa cháy
  'traffic', // an toàn giao thông
  'urban_order', // trật tự đô thị, môi trường
  'residence', // tạm trú
  'other',
] as const;

const TIP: CaseKindRules = {
  id: 'tip',
  refPrefix: 'TB',
  categories: TIP_CATEGORIES,
  // Where minutes matter: shorter escalation, first in an officer's list.
  urgentCategories: ['theft', 'drugs', 'disorder', 'fire_risk', 'racing'],
  outcomes: ['verified_handled', 'transferred', 'not_confirmed'],
  handledByMediators: false,
};

/** Tin báo: what, where, when, optional media, anonymous or with a contact. About a minute on a phone. */
export const flow: Flow = {
  id: 'tip',
  order: 1,
  commands: ['baotin', 'tip'],
  menuId: 'menu:tip',
  deepLinkPrefix: 'tip',
  version: 1,
  kind: TIP,
  identityStep: 'identity',
  storyStep: 'what',
  categoryStep: 'category',
  summaryTitle: 'tip.summaryTitle',
  steps: [
    { id: 'joinCode', kind: 'joincode', prompt: 'flow.joinCode', skip: (d) => d.values.joinCode !== undefined },
    { id: 'category', kind: 'choice', prompt: 'tip.category', choices: TIP_CATEGORIES, labels: 'categories.tip', understands: 'category' },
    { id: 'what', kind: 'text', prompt: 'tip.what', minLength: 5, shownToOfficer: true },
    { id: 'where', kind: 'place', prompt: 'tip.where', shownToOfficer: true },
    {
      id: 'when',
      kind: 'choice',
      prompt: 'tip.when',
      choices: ['now', 'today', 'earlier'],
      labels: 'when',
      understands: 'time',
      detailStep: 'whenDetail',
      shownToOfficer: true,
    },
    {
      id: 'whenDetail',
      kind: 'text',
      prompt: 'tip.whenDetail',
      minLength: 2,
      skip: (d) => d.values.when !== 'earlier',
      shownToOfficer: true,
    },
    { id: 'media', kind: 'media', prompt: 'tip.media' },
    { id: 'identity', kind: 'choice', prompt: 'tip.identity', choices: ['anonymous', 'contact'], labels: 'identity' },
    { id: 'contact', kind: 'contact', prompt: 'tip.contact', skip: (d) => d.values.identity !== 'contact' },
    { id: 'confirm', kind: 'confirm', prompt: 'flow.confirm' },
  ],
};
