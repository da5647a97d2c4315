import type { AppHarness } from './app-harness';

/** A browserless dashboard visitor: fetch against the real app's port, with a one-cookie jar. */
export interface DashboardVisitor {
  cookie?: string;
  get(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
  post(path: string, form: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
}

export const LOGIN_LINK = /(https?:\/\/[^\s/]+)\/dashboard\/login\/([A-Za-z0-9_-]{43})/;

/** The CSRF token in a page's forms. */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export function visitor(app: AppHarness): DashboardVisitor {
  const base = `http://127.0.0.1:${app.port}`;
  const send = async (path: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (v.cookie) headers.set('cookie', v.cookie);
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0];
      v.cookie = pair.endsWith('=') ? undefined : pair;
    }
    return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) as Record<string, unknown> };
  };
  const v: DashboardVisitor = {
    get: (path) => send(path, { method: 'GET' }),
    post: (path, form) =>
      send(path, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  };
  return v;
}

/** `/dangnhap` from a staff member's private chat (Telegram unless told), answered by the real conversation service. */
export async function askLoginLink(
  app: AppHarness,
  chatId: string,
  command = 'dangnhap',
  channel: 'telegram' | 'zalo' | 'console' = 'telegram',
): Promise<string> {
  const replies = await app.bot!.service.handle({
    channel,
    updateId: `u${Math.random()}`,
    chatId,
    chatType: 'private',
    userId: chatId,
    text: `/${command}`,
    command: { name: command, args: '' },
  });
  return replies.map((r) => r.text ?? '').join('\n');
}

/** Logs the visitor in as the staff member of that chat; returns the session cookie. */
export async function logIn(app: AppHarness, chatId: string): Promise<DashboardVisitor> {
  const m = LOGIN_LINK.exec(await askLoginLink(app, chatId));
  if (!m) throw new Error('no login link in the bot reply');
  const v = visitor(app);
  const res = await v.post(`/dashboard/login/${m[2]}`, {});
  if (res.status !== 303 || !v.cookie) throw new Error(`login failed: ${res.status}`);
  return v;
}
