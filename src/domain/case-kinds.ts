/**
 * What residents send, as stable ids. Labels live in the locales (categories.<id>); the ids go
 * into callback data and the database, so they stay short and never change meaning.
 */
export const CASE_KINDS = ['tip', 'mediation'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Tin báo categories seen in practice (docs/domain.md). */
export const TIP_CATEGORIES = [
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
export type TipCategory = (typeof TIP_CATEGORIES)[number];

/** Mâu thuẫn trong nội bộ nhân dân: kinds of dispute for mediation. */
export const MEDIATION_KINDS = ['land', 'construction', 'noise', 'family', 'debt', 'inheritance', 'pollution', 'other'] as const;
export type MediationKind = (typeof MEDIATION_KINDS)[number];

/** Categories where minutes matter: shorter escalation, first in an officer's list. */
export const URGENT_TIP_CATEGORIES: readonly TipCategory[] = ['theft', 'drugs', 'disorder', 'fire_risk', 'racing'];
