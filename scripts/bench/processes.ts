import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../test/support/own-services';
import { spawnCompiled, waitHttp } from './kit';
import { WEBHOOK_SECRET } from './webhook-feed';

/** Our bot (`--role bot`, webhook mode) or worker (`--role worker`) as its own compiled process, ready. */
export async function startRole(role: 'bot' | 'worker', env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const webhook: Record<string, string> =
    role === 'bot'
      ? {
          // Never called: the benchmark POSTs to the bot itself. setWebhook goes to the emulator.
          TELEGRAM_WEBHOOK_URL: 'http://127.0.0.1:9/telegram/webhook',
          TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        }
      : {};
  const child = spawnCompiled('app', ['--role', role], { ...env, ...webhook, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' }, role);
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  return { child, port };
}
