import {
  escalationDelayMs,
  median,
  planChange,
  refusalFor,
  supervisorLevels,
  type GuardedCase,
  type Staff,
} from '../../src/domain/case-workflow';
import { csvCell, toCsv } from '../../src/domain/csv';
import { CASE_KINDS } from '../../src/features/reporting/flows';
import { caseCallback, parseCaseCallback } from '../../src/features/officer-desk/render';

const staff = (over: Partial<Staff> = {}): Staff => ({
  officerId: 'cskv-1',
  role: 'officer',
  superadmin: false,
  areaCodes: ['kp1-to3'],
  active: true,
  ...over,
});
const tip: GuardedCase = {
  handledByMediators: false,
  status: 'new',
  areaPath: ['kp1-to3', 'phuong-sai-gon', 'tp-hcm'],
  recipients: ['cskv-1'],
};

describe('who may act on a case', () => {
  it('lets officers and supervisors act in their areas and below, and nobody else', () => {
    expect(refusalFor(staff(), 'ack', tip)).toBeNull();
    expect(refusalFor(staff({ role: 'supervisor', areaCodes: ['phuong-sai-gon'] }), 'reassign', tip)).toBeNull();
    expect(refusalFor(staff({ areaCodes: ['kp2-to1'] }), 'ack', tip)).toBe('out_of_area');
    expect(refusalFor(staff({ areaCodes: ['kp2-to1'] }), 'view', tip)).toBe('out_of_area');
    expect(refusalFor(null, 'view', tip)).toBe('not_staff');
    expect(refusalFor(staff({ role: null }), 'ack', tip)).toBe('not_staff');
    expect(refusalFor(staff({ active: false }), 'ack', tip)).toBe('inactive');
  });

  it('keeps mediators to mediation requests, without reassigning', () => {
    const mediator = staff({ role: 'mediator' });
    expect(refusalFor(mediator, 'ack', tip)).toBe('wrong_kind');
    expect(refusalFor(mediator, 'ack', { ...tip, handledByMediators: true })).toBeNull();
    expect(refusalFor(mediator, 'reassign', { ...tip, handledByMediators: true })).toBe('not_allowed');
  });

  it('lets a superadmin act anywhere, the alerted supervisors act on a case without area, and nobody change a closed case', () => {
    expect(refusalFor(staff({ officerId: null, role: null, superadmin: true, areaCodes: [] }), 'resolve', tip)).toBeNull();
    const noArea: GuardedCase = { ...tip, areaPath: [], recipients: ['truong-ca'] };
    expect(refusalFor(staff({ officerId: 'truong-ca', role: 'supervisor', areaCodes: ['phuong-sai-gon'] }), 'ack', noArea)).toBeNull();
    expect(refusalFor(staff(), 'ack', noArea)).toBe('out_of_area');
    expect(refusalFor(staff(), 'note', { ...tip, status: 'resolved' })).toBe('closed');
    expect(refusalFor(staff(), 'view', { ...tip, status: 'resolved' })).toBeNull();
  });
});

describe('how a case changes', () => {
  const now = new Date('2026-11-21T03:00:00Z');

  it('acknowledges once; any officer work on a new case acknowledges it', () => {
    const ack = planChange({ status: 'new' }, { action: 'ack', by: 'cskv-1' }, now);
    expect(ack).toMatchObject({
      set: { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: 'cskv-1', assignedTo: 'cskv-1' },
      acknowledges: true,
    });
    expect(planChange({ status: 'acknowledged' }, { action: 'ack', by: 'cskv-1' }, now)).toBe('unchanged');
    const note = planChange({ status: 'new', assignedTo: 'cskv-2' }, { action: 'note', by: 'cskv-1', note: 'x' }, now);
    expect(note).toMatchObject({ set: { status: 'acknowledged' }, acknowledges: true });
    expect(typeof note !== 'string' && note.set.assignedTo).toBeUndefined();
    expect(typeof note !== 'string' && note.history.map((h) => h.action)).toEqual(['acknowledged', 'note']);
    const answer = planChange({ status: 'new' }, { action: 'answer', by: 'resident', note: 'y' }, now);
    expect(answer).toMatchObject({ set: {}, acknowledges: false, history: [{ action: 'answer', by: 'resident', note: 'y' }] });
  });

  it('resolves with an outcome and then refuses everything', () => {
    const plan = planChange({ status: 'new' }, { action: 'resolve', by: 'cskv-1', outcome: 'not_confirmed' }, now);
    expect(plan).toMatchObject({
      set: { status: 'resolved', outcome: 'not_confirmed', resolvedAt: now, acknowledgedAt: now },
      resolves: true,
    });
    expect(planChange({ status: 'resolved' }, { action: 'note', by: 'cskv-1', note: 'x' }, now)).toBe('closed');
    expect(planChange({ status: 'resolved' }, { action: 'escalate', by: 'system', level: 1, to: ['a'] }, now)).toBe('closed');
  });

  it('escalates only new cases, and reassigns to someone else only', () => {
    expect(planChange({ status: 'acknowledged' }, { action: 'escalate', by: 'system', level: 1, to: ['truong-ca'] }, now)).toBe(
      'unchanged',
    );
    expect(planChange({ status: 'new' }, { action: 'escalate', by: 'system', level: 2, to: ['gd'] }, now)).toMatchObject({
      addRecipients: ['gd'],
      history: [{ note: 'level 2: gd' }],
    });
    expect(planChange({ status: 'new', assignedTo: 'b' }, { action: 'reassign', by: 'a', to: 'b' }, now)).toBe('unchanged');
    expect(planChange({ status: 'new' }, { action: 'reassign', by: 'a', to: 'b' }, now)).toMatchObject({
      set: { assignedTo: 'b' },
      addRecipients: ['b'],
    });
  });
});

describe('escalation, hotspots and reports: the small rules', () => {
  it('escalates urgent tips sooner', () => {
    const delays = { urgentMs: 1, normalMs: 2 };
    expect(escalationDelayMs(CASE_KINDS.get('tip'), 'theft', delays)).toBe(1);
    expect(escalationDelayMs(CASE_KINDS.get('tip'), 'fraud', delays)).toBe(2);
    expect(escalationDelayMs(CASE_KINDS.get('mediation'), 'land', delays)).toBe(2);
  });

  it('orders supervisors by level, nearest first, skipping levels without one', () => {
    const people = [
      { officerId: 'gd', role: 'supervisor' as const, areaCodes: ['tp-hcm'], active: true },
      { officerId: 'truong-ca', role: 'supervisor' as const, areaCodes: ['phuong-sai-gon'], active: true },
      { officerId: 'pho-ca', role: 'supervisor' as const, areaCodes: ['phuong-sai-gon'], active: false },
      { officerId: 'cskv', role: 'officer' as const, areaCodes: ['kp1-to3'], active: true },
    ];
    expect(supervisorLevels(['kp1-to3', 'phuong-sai-gon', 'tp-hcm'], people).map((l) => l.map((p) => p.officerId))).toEqual([
      ['truong-ca'],
      ['gd'],
    ]);
    expect(supervisorLevels([], people)).toEqual([]);
  });

  it('takes medians and writes CSV cells safely', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 50, 20, 30])).toBe(25);
    expect(csvCell('Trộm cắp, cướp giật')).toBe('"Trộm cắp, cướp giật"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-5)).toBe('-5');
    expect(
      toCsv([
        ['a', 'b'],
        ['c', null],
      ]),
    ).toBe('\uFEFFa,b\r\nc,\r\n');
  });

  it('keeps callback data within Telegram’s 64 bytes', () => {
    const id = 'AbCdEfGhIjKlMnOp';
    for (const data of [caseCallback('ack', id), caseCallback('out', id, 'verified_handled'), caseCallback('to', id, 12)]) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCaseCallback(data)?.caseId).toBe(id);
    }
    expect(parseCaseCallback('case:drop:AbCdEfGhIjKlMnOp')).toBeNull();
    expect(parseCaseCallback('menu:tip')).toBeNull();
  });
});
