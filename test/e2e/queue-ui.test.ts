import { Queue } from 'bullmq';
import { CASES_QUEUE } from '../../src/queues/names';
import { startApp, type AppHarness } from '../support/app-harness';

/**
 * The queue UI (issue 16): bull-board at /queues on the app's own server, as a worker process
 * serves it. Behind HTTP Basic authentication; read-only (no pause, no clean) but a failed job may
 * be retried; and a case job's data shows its ids and nothing a resident wrote or who they are.
 */
const USER = 'ops';
const PASSWORD = 'queue-ui-password-0123';
const WORDS = 'Hai thanh niên bẻ khóa xe máy trước nhà số 12';
const PHONE = '0912000777';

let app: AppHarness;
let queue: Queue;

beforeAll(async () => {
  app = await startApp({ QUEUE_UI_USER: USER, QUEUE_UI_PASSWORD: PASSWORD }, { roles: 'none' });
  queue = new Queue(CASES_QUEUE, { connection: app.rt.queueRedis });
  await queue.add(
    'case',
    { caseId: 'c-ui-1', refCode: 'TB-2612-0042', fields: { what: WORDS }, contact: { phone: PHONE }, replyTo: { chatId: '501' } },
    { jobId: 'job-ui-1' },
  );
});

afterAll(async () => {
  await queue?.close();
  await app?.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function get(path: string, auth?: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.port}${path}`, { headers: auth ? { authorization: auth } : {} });
}

describe('the queue UI', () => {
  it('asks for the operators’ credentials, and refuses wrong ones', async () => {
    const none = await get('/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="queues"/);
    expect((await get('/queues', basic(USER, 'wrong-password-0000000'))).status).toBe(401);
    expect((await get('/queues/api/queues', basic('someone', PASSWORD))).status).toBe(401);
    const page = await get('/queues', basic(USER, PASSWORD));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('shows a case job by its ids, never the tip’s words, the contact or the chat', async () => {
    const res = await get(`/queues/api/queues?activeQueue=${CASES_QUEUE}&status=waiting&page=1&jobsPerPage=10`, basic(USER, PASSWORD));
    expect(res.status).toBe(200);
    const text = await res.text();
    const cases = (JSON.parse(text) as { queues: { name: string; jobs: { id: string; data: unknown }[] }[] }).queues.find(
      (q) => q.name === CASES_QUEUE,
    )!;
    expect(cases.jobs.map((j) => j.id)).toContain('job-ui-1');
    expect(cases.jobs.find((j) => j.id === 'job-ui-1')!.data).toEqual({
      caseId: 'c-ui-1',
      refCode: 'TB-2612-0042',
      fields: '[hidden]',
      contact: '[hidden]',
      replyTo: '[hidden]',
    });
    for (const secret of [WORDS, PHONE, '"501"']) expect(text).not.toContain(secret);
    const one = await (await get(`/queues/api/queues/${CASES_QUEUE}/job-ui-1`, basic(USER, PASSWORD))).text();
    expect(one).toContain('c-ui-1');
    expect(one).not.toContain(PHONE);
    expect(one).not.toContain('bẻ khóa');
  });

  it('is read-only except for retrying failed jobs', async () => {
    const put = (path: string) =>
      fetch(`http://127.0.0.1:${app.port}/queues/api/queues/${CASES_QUEUE}/${path}`, {
        method: 'PUT',
        headers: { authorization: basic(USER, PASSWORD) },
      });
    expect((await put('pause')).status).toBe(405);
    expect((await put('clean/waiting')).status).toBe(405);
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getWaitingCount()).toBe(1);
    expect((await put('empty')).status).toBe(405);
    expect((await put('job-ui-1/promote')).status).toBe(405);
    expect(await queue.getWaitingCount()).toBe(1);
    expect((await put('retry/failed')).status).toBe(200);
  });
});
