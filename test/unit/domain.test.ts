import { detectEmergency } from '../../src/domain/emergency';
import { formatReferenceCode, parseReferenceCode, yearMonth } from '../../src/domain/reference-code';
import { routeCase, type RoutableOfficer } from '../../src/domain/routing';
import { SealedBox } from '../../src/domain/sealed-box';
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
    ['Có người bị thương, chảy máu nhiều', ['medical']],
    ['dang cuop o dau hem', ['crime']],
    ['Đánh nhau to ở quán nhậu', ['crime']],
    ['Help, there is a fire', ['fire', 'help']],
    ['Cứu tôi với', ['help']],
  ])('"%s" → %j', (text, kinds) => expect(detectEmergency(text)).toEqual(kinds));

  it.each(['Tên trộm chạy về phía chợ', 'Anh ta nợ tiền không trả', 'Tuyên truyền phòng cháy chữa cháy', 'Hàng xóm hát karaoke ồn ào', 'tôi khỏi bệnh rồi', 'chạy xe lạng lách'])(
    'does not alarm on "%s"',
    (text) => expect(detectEmergency(text)).toEqual([]),
  );
});

describe('reference codes', () => {
  it('formats TB/HG, year-month in Vietnam time, and a padded sequence', () => {
    expect(formatReferenceCode('tip', new Date('2026-11-21T10:00:00Z'), 42)).toBe('TB-2611-0042');
    expect(formatReferenceCode('mediation', new Date('2026-11-21T10:00:00Z'), 12345)).toBe('HG-2611-12345');
    // 30 Nov 18:00 UTC is 1 Dec 01:00 in Vietnam.
    expect(yearMonth(new Date('2026-11-30T18:00:00Z'))).toBe('2612');
  });
  it('parses what people type', () => {
    expect(parseReferenceCode(' tb-2611-0042 ')).toBe('TB-2611-0042');
    expect(parseReferenceCode('TB26110042')).toBe('TB-2611-0042');
    expect(parseReferenceCode('XX-2611-0042')).toBeNull();
  });
});

describe('routing', () => {
  const o = (officerId: string, role: RoutableOfficer['role'], areaCodes: string[], active = true): RoutableOfficer => ({ officerId, role, areaCodes, active });
  const officers = [o('cskv1', 'officer', ['to3']), o('sup', 'supervisor', ['ward']), o('hg3', 'mediator', ['to3']), o('hgw', 'mediator', ['ward']), o('off', 'officer', ['to4'], false)];
  it('alerts the area officer of the residential group', () => {
    expect(routeCase('tip', ['to3', 'ward', 'city'], officers).map((x) => x.officerId)).toEqual(['cskv1']);
  });
  it('adds the nearest mediators to a mediation request', () => {
    expect(routeCase('mediation', ['to3', 'ward'], officers).map((x) => x.officerId)).toEqual(['cskv1', 'hg3']);
    expect(routeCase('mediation', ['to5', 'ward'], officers).map((x) => x.officerId)).toEqual(['sup', 'hgw']);
  });
  it('falls back to the supervisor when nobody (active) covers the area', () => {
    expect(routeCase('tip', ['to4', 'ward'], officers).map((x) => x.officerId)).toEqual(['sup']);
    expect(routeCase('tip', ['elsewhere'], officers)).toEqual([]);
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
