import { createCipheriv, randomBytes } from 'node:crypto';
import { emergencyByRules as detectEmergency } from '../../src/domain/understanding/emergency-rules';
import { yearMonth } from '../../src/domain/reference-code';
import { CaseKindCatalogue, CaseKindError } from '../../src/domain/case-kinds';
import { CASE_KINDS, FLOWS } from '../../src/features/reporting/flows';
import { routeCase, type RoutableOfficer } from '../../src/domain/routing';
import { keyIdOf, SealedBox } from '../../src/domain/sealed-box';
import { fold, normalise, truncate } from '../../src/domain/text';

describe('text', () => {
  it('folds diacritics, đ, case, punctuation and decomposed input', () => {
    expect(fold('Đánh  nhau, CƯỚP giật!')).toBe('danh nhau cuop giat');
    expect(fold('Cháy nhà'.normalize('NFD'))).toBe('chay nha');
    expect(normalise('  Cháy nhà '.normalize('NFD'))).toBe('Cháy nhà'.normalize('NFC'));
    expect(truncate('😀😀😀', 2)).toBe('😀…');
  });
});

describe('emergency detection', () => {
  it.each([
    ['Cháy nhà số 5!', ['fire']],
    ['chay nha so 5', ['fire']],
    ['Có người bị thương, chảy máu nhiều', ['bleeding']],
    ['dang cuop o dau hem', ['break_in']],
    ['Đánh nhau to ở quán nhậu', ['weapon']],
    ['cháy', ['fire']],
    ['có mùi gas', ['gas']],
    ['khói bốc lên dưới tầng hầm', ['smoke']],
    ['có người đuối nước ở hồ', ['drowning']],
    ['thằng bé bị điện giật', ['electrocution']],
    ['có trộm đang cạy cửa nhà em', ['break_in']],
    ['vừa bị giật điện thoại xong', ['break_in']],
    ['Help, there is a fire', ['fire', 'help']],
    ['Cứu tôi với', ['help']],
    // The Vietnamese of 'collapsed' and 'not responding'.
    ['chồng tôi ngã gục trong bếp, lay không phản ứng', ['unconscious']],
    ['ông cụ nằm gục ở ghế đá công viên', ['unconscious']],
    ['bố em đang đập phá đồ trong nhà', ['domestic_violence']],
    // A smell of gas since this morning is a leak now.
    ['cả tầng nghe mùi gas từ sáng, không ai mở cửa', ['gas']],
  ])('"%s" → %j', (text, kinds) => expect(detectEmergency(text)).toEqual(kinds));

  it.each([
    'Tên trộm chạy về phía chợ',
    'Anh ta nợ tiền không trả',
    'Tuyên truyền phòng cháy chữa cháy',
    'Hàng xóm hát karaoke ồn ào',
    'tôi khỏi bệnh rồi',
    'chạy xe lạng lách',
    'chay',
    'nó chạy về phía chợ',
    'tuần trước nhà tôi bị mất trộm',
    'lớp sơ cấp cứu cho tổ dân phố',
    'máy giặt nhà tôi hỏng',
    'bình gas để gần bếp dễ cháy',
    // Idioms, questions, nuisances and the past, found among the corpus' false alarms.
    'tra cứu tin báo đã gửi',
    'xe tai bien so la dau cuoi hem',
    'nhà bên nướng thịt mỗi tối, khói bay sang nhà tôi',
    'khói thuốc lá nhà bên bay sang',
    'tụi nó chơi tài xỉu ở quán net',
    'con trai hàng xóm hay về nhà đòi tiền đập phá',
    'the fire exit is blocked with bikes',
    'my uncles are fighting over the land',
    'lỡ rò rỉ gas thì gọi đâu',
    'hồi xưa súng nổ suốt đêm',
    'ông ấy chém gió suốt',
    'tuần trước có mùi gas ở chợ, giờ hết rồi',
    'tập huấn cho dân cách cứu người bị điện giật',
    'tháng sau trường dạy kỹ năng thoát hiểm khi cháy nhà',
  ])('does not alarm on "%s"', (text) => expect(detectEmergency(text)).toEqual([]));
});

describe('reference codes', () => {
  it('formats TB/HG, year-month in Vietnam time, and a padded sequence', () => {
    expect(CASE_KINDS.formatReference('tip', new Date('2026-11-21T10:00:00Z'), 42)).toBe('TB-2611-0042');
    expect(CASE_KINDS.formatReference('mediation', new Date('2026-11-21T10:00:00Z'), 12345)).toBe('HG-2611-12345');
    // 30 Nov 18:00 UTC is 1 Dec 01:00 in Vietnam.
    expect(yearMonth(new Date('2026-11-30T18:00:00Z'))).toBe('2612');
  });
  it('parses what people type', () => {
    expect(CASE_KINDS.parseReference(' tb-2611-0042 ')).toBe('TB-2611-0042');
    expect(CASE_KINDS.parseReference('TB26110042')).toBe('TB-2611-0042');
    expect(CASE_KINDS.parseReference('XX-2611-0042')).toBeNull();
  });
});

describe('routing', () => {
  const o = (officerId: string, role: RoutableOfficer['role'], areaCodes: string[], active = true): RoutableOfficer => ({
    officerId,
    role,
    areaCodes,
    active,
  });
  const officers = [
    o('cskv1', 'officer', ['to3']),
    o('sup', 'supervisor', ['ward']),
    o('hg3', 'mediator', ['to3']),
    o('hgw', 'mediator', ['ward']),
    o('off', 'officer', ['to4'], false),
  ];
  it('alerts the area officer of the residential group', () => {
    expect(routeCase(CASE_KINDS.get('tip'), ['to3', 'ward', 'city'], officers).map((x) => x.officerId)).toEqual(['cskv1']);
  });
  it('adds the nearest mediators to a mediation request', () => {
    expect(routeCase(CASE_KINDS.get('mediation'), ['to3', 'ward'], officers).map((x) => x.officerId)).toEqual(['cskv1', 'hg3']);
    expect(routeCase(CASE_KINDS.get('mediation'), ['to5', 'ward'], officers).map((x) => x.officerId)).toEqual(['sup', 'hgw']);
  });
  it('falls back to the supervisor when nobody (active) covers the area', () => {
    expect(routeCase(CASE_KINDS.get('tip'), ['to4', 'ward'], officers).map((x) => x.officerId)).toEqual(['sup']);
    expect(routeCase(CASE_KINDS.get('tip'), ['elsewhere'], officers)).toEqual([]);
  });
});

describe('SealedBox', () => {
  const box = new SealedBox(Buffer.alloc(32, 1));
  it('round-trips, never repeats a ciphertext, and refuses a tampered value', () => {
    const a = box.seal('0912345678');
    expect(a).not.toContain('0912345678');
    expect(box.seal('0912345678')).not.toBe(a);
    expect(box.open(a)).toBe('0912345678');
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SealedBox(Buffer.alloc(32, 2)).open(a)).toThrow();
  });

  it('names the key that sealed a value, and binds the value to where it is stored', () => {
    const sealed = box.seal('0912345678', 'case:abc#contact');
    expect(sealed.split('.').slice(0, 2)).toEqual(['v2', keyIdOf(Buffer.alloc(32, 1))]);
    expect(box.open(sealed, 'case:abc#contact')).toBe('0912345678');
    // The same value copied into another case or field does not open there.
    expect(() => box.open(sealed, 'case:xyz#contact')).toThrow();
    expect(() => box.open(sealed)).toThrow();
  });

  it('opens with any loaded key, seals with the newest, and re-seals only what is not current', () => {
    const old = new SealedBox(Buffer.alloc(32, 1));
    const both = new SealedBox([Buffer.alloc(32, 2), Buffer.alloc(32, 1)]);
    const before = old.seal('+84 912', 'k');
    expect(both.open(before, 'k')).toBe('+84 912');
    expect(both.isCurrent(before)).toBe(false);
    const after = both.reseal(before, 'k');
    expect(both.isCurrent(after)).toBe(true);
    expect(both.reseal(after, 'k')).toBe(after);
    expect(new SealedBox(Buffer.alloc(32, 2)).open(after, 'k')).toBe('+84 912');
    expect(() => old.open(after, 'k')).toThrow(/not loaded/);
  });

  it('still opens values sealed before key ids (v1), with whichever loaded key made them', () => {
    const key = Buffer.alloc(32, 1);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const data = Buffer.concat([cipher.update('chat-42', 'utf8'), cipher.final()]);
    const v1 = ['v1', nonce, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    expect(new SealedBox([Buffer.alloc(32, 2), key]).open(v1)).toBe('chat-42');
    expect(() => new SealedBox(Buffer.alloc(32, 2)).open(v1)).toThrow();
  });
});

describe('routing without an area', () => {
  it('picks the supervisors highest in the tree', () => {
    const { routeWithoutArea } = jest.requireActual('../../src/domain/routing');
    const depth: Record<string, number> = { ward: 1, to3: 2, city: 0 };
    const o = (officerId: string, role: string, areaCodes: string[]) => ({ officerId, role, areaCodes, active: true });
    const officers = [o('sup-ward', 'supervisor', ['ward']), o('sup-to3', 'supervisor', ['to3']), o('cskv', 'officer', ['city'])];
    expect(routeWithoutArea(officers, (c: string) => depth[c]).map((x: { officerId: string }) => x.officerId)).toEqual(['sup-ward']);
  });
});

describe('kinds of case, as the flows declare them', () => {
  const kind = (id: string, refPrefix: string) => ({
    id,
    refPrefix,
    categories: ['other'],
    urgentCategories: [],
    outcomes: ['transferred' as const],
    handledByMediators: false,
  });
  it('refuses two kinds with one id or one reference prefix, and a prefix that cannot be read over the phone', () => {
    expect(() => new CaseKindCatalogue([kind('tip', 'TB'), kind('tip', 'TX')])).toThrow(CaseKindError);
    expect(() => new CaseKindCatalogue([kind('tip', 'TB'), kind('lost', 'TB')])).toThrow(/prefix 'TB'/);
    expect(() => new CaseKindCatalogue([kind('lost', 'tb1')])).toThrow(/capital letters/);
  });
  it('reads codes of every declared kind and no other, and names an unknown kind loudly', () => {
    const kinds = new CaseKindCatalogue([kind('tip', 'TB'), kind('lost', 'TS')]);
    expect(kinds.formatReference('lost', new Date('2026-11-21T10:00:00Z'), 7)).toBe('TS-2611-0007');
    expect(kinds.parseReference('ts26110007')).toBe('TS-2611-0007');
    expect(kinds.parseReference('HG-2611-0007')).toBeNull();
    expect(() => kinds.get('mediation')).toThrow(/no flow declares the case kind 'mediation'/);
  });
  it('finds the flows by file name, in their declared order, each with its kind', () => {
    // Tin báo first (the default flow), then whatever else the folder holds, by `order`.
    expect(FLOWS.slice(0, 2).map((f) => [f.id, f.kind.id, f.kind.refPrefix])).toEqual([
      ['tip', 'tip', 'TB'],
      ['mediation', 'mediation', 'HG'],
    ]);
    expect(FLOWS.map((f) => f.order)).toEqual([...FLOWS.map((f) => f.order)].sort((a, b) => a - b));
    expect(CASE_KINDS.ids).toEqual(FLOWS.map((f) => f.kind.id));
  });
});
