import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { planChange, type CaseChange } from '../../src/domain/case-workflow';
import { summaryText } from '../../src/features/reports/case-report';
import { buildCaseReport } from '../../src/features/reports/adapters/load-case-report';
import { startApp, type AppHarness } from '../support/app-harness';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** scripts/report against the real database: rows, period bounds, area scope, the counts upward, and the bytes of the file. */
describe('case report', () => {
  let app: AppHarness;
  let dir: string;
  const at = (local: string) => new Date(`${local}+07:00`);

  async function add(
    n: number,
    kind: 'tip' | 'mediation',
    category: string,
    areaCode: string,
    submitted: string,
    changes: [CaseChange, number][] = [],
  ) {
    const submittedAt = at(submitted);
    const { case: c } = await app.rt.store.cases.insertIfAbsent({
      caseId: `report-case-${n}`,
      refCode: `${kind === 'tip' ? 'TB' : 'HG'}-2611-${String(n).padStart(4, '0')}`,
      kind,
      category,
      fields: { what: 'Nội dung riêng của người báo, không vào báo cáo' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: app.rt.box.seal('7770001') },
      lang: 'vi',
      areaCode,
      submittedAt,
    });
    let current = c;
    for (const [change, minutes] of changes) {
      const plan = planChange(current, change, new Date(submittedAt.getTime() + minutes * 60_000));
      if (typeof plan === 'string') throw new Error(plan);
      current = (await app.rt.store.cases.applyPlan(c.caseId, current, plan))!;
    }
  }

  beforeAll(async () => {
    app = await startApp({}, { roles: 'none' });
    dir = mkdtempSync(join(tmpdir(), 'report-'));
    const ack: CaseChange = { action: 'ack', by: 'cskv-sg-01' };
    await add(1, 'tip', 'theft', 'kp1-to3', '2026-11-02T08:00:00', [
      [ack, 10],
      [{ action: 'resolve', by: 'cskv-sg-01', outcome: 'verified_handled' }, 90],
    ]);
    await add(2, 'tip', 'theft', 'kp1-to4', '2026-11-03T09:00:00', [[ack, 30]]);
    await add(3, 'tip', 'drugs', 'kp1-to3', '2026-11-05T21:15:00');
    await add(4, 'mediation', 'noise', 'kp1-to3', '2026-11-06T10:00:00', [
      [ack, 20],
      [{ action: 'resolve', by: 'cskv-sg-01', outcome: 'mediated_success' }, 600],
    ]);
    await add(5, 'mediation', 'land', 'kp2-to1', '2026-11-07T10:00:00', [
      [{ action: 'ack', by: 'cskv-sg-02' }, 50],
      [{ action: 'resolve', by: 'cskv-sg-02', outcome: 'mediated_failed' }, 900],
    ]);
    // Just outside the period, on either side (Vietnam time).
    await add(6, 'tip', 'theft', 'kp1-to3', '2026-10-31T23:59:00');
    await add(7, 'tip', 'fraud', 'kp1-to3', '2026-12-01T00:00:00');
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app?.close();
  });

  it('counts what the ward reports upward for the period', async () => {
    const { summary } = await buildCaseReport(app.rt.store, app.rt.t, { areaCode: 'phuong-sai-gon', from: '2026-11-01', to: '2026-11-30' });
    expect(summary).toMatchObject({
      total: 5,
      tips: 3,
      tipsByCategory: [
        { category: 'theft', label: 'Trộm cắp, cướp giật', count: 2 },
        { category: 'drugs', label: 'Ma túy', count: 1 },
      ],
      mediations: 2,
      mediatedSuccessfully: 1,
      acknowledged: 4,
      resolved: 3,
      // 10, 20, 30 and 50 minutes.
      medianMinutesToAcknowledge: 25,
    });
    const text = summaryText(summary, app.rt.t);
    expect(text).toContain('Yêu cầu hòa giải: 2, trong đó hòa giải thành: 1');
    expect(text).toContain('Thời gian tiếp nhận (trung vị): 25 phút');

    const leaf = await buildCaseReport(app.rt.store, app.rt.t, { areaCode: 'kp1-to3', from: '2026-11-01', to: '2026-11-30' });
    expect(leaf.summary).toMatchObject({ total: 3, tips: 2, mediations: 1, mediatedSuccessfully: 1, medianMinutesToAcknowledge: 15 });
    await expect(buildCaseReport(app.rt.store, app.rt.t, { areaCode: 'khong-co', from: '2026-11-01', to: '2026-11-30' })).rejects.toThrow(
      'area khong-co does not exist',
    );
    await expect(buildCaseReport(app.rt.store, app.rt.t, { areaCode: 'kp1-to3', from: '2026-11-30', to: '2026-11-01' })).rejects.toThrow(
      'ends before it starts',
    );
  });

  it('scripts/report writes a CSV that opens with its Vietnamese intact: BOM, UTF-8, quoted cells, CRLF', async () => {
    const { stdout } = await run(
      'bash',
      [join(ROOT, 'scripts', 'report'), '--area', 'phuong-sai-gon', '--from', '2026-11-01', '--to', '2026-11-30', '--out', 'ward.csv'],
      {
        cwd: dir,
        env: { ...process.env, MONGODB_URI: app.rt.config.mongodbUri },
      },
    );
    expect(stdout).toContain('BÁO CÁO Phường Sài Gòn (phuong-sai-gon), từ 2026-11-01 đến 2026-11-30');
    expect(stdout).toContain('  • Trộm cắp, cướp giật: 2');
    expect(stdout).toContain('Thời gian tiếp nhận (trung vị): 25 phút');

    const bytes = readFileSync(join(dir, 'ward.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // "Trộm" in UTF-8: ộ is U+1ED9, three bytes E1 BB 99.
    expect(bytes.includes(Buffer.from([0x54, 0x72, 0xe1, 0xbb, 0x99, 0x6d]))).toBe(true);
    const text = bytes.subarray(3).toString('utf8');
    expect(Buffer.from(text, 'utf8').equals(bytes.subarray(3))).toBe(true);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'Mã,Loại,Phân loại,Mã địa bàn,Địa bàn,Trạng thái,Kết quả,Nhận lúc,Tiếp nhận lúc,Số phút đến khi tiếp nhận,Kết thúc lúc,Cán bộ phụ trách',
    );
    expect(lines[1]).toBe(
      'TB-2611-0001,Tin báo,"Trộm cắp, cướp giật",kp1-to3,Khu phố 1 – Tổ dân phố 3,Đã kết thúc,"Đã xác minh, xử lý",2026-11-02 08:00,2026-11-02 08:10,10,2026-11-02 09:30,cskv-sg-01',
    );
    expect(lines[4]).toBe(
      'HG-2611-0004,Hòa giải,"Tiếng ồn, làm phiền",kp1-to3,Khu phố 1 – Tổ dân phố 3,Đã kết thúc,Hòa giải thành,2026-11-06 10:00,2026-11-06 10:20,20,2026-11-06 20:00,cskv-sg-01',
    );
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
    expect(text).not.toContain('TB-2611-0006');
    expect(text).not.toContain('TB-2611-0007');
    expect(text).not.toContain('Nội dung riêng');
  });

  it('says what is wrong with the arguments instead of writing a file', async () => {
    await expect(
      run('bash', [join(ROOT, 'scripts', 'report'), '--area', 'phuong-sai-gon'], {
        cwd: dir,
        env: { ...process.env, MONGODB_URI: app.rt.config.mongodbUri },
      }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: scripts/report') });
    await expect(
      run('bash', [join(ROOT, 'scripts', 'report'), '--area', 'phuong-sai-gon', '--from', '2026-11-31', '--to', '2026-12-01'], {
        cwd: dir,
        env: { ...process.env, MONGODB_URI: app.rt.config.mongodbUri },
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('2026-11-31 is not a calendar date') });
  });
});
