/**
 * Registers, removes or shows the Zalo bot's webhook. Run through scripts/zalo-webhook.
 * Reads ZALO_BOT_TOKEN, ZALO_API_BASE, and for `set` ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET.
 * The token is never printed: it is part of every API URL, so it is also scrubbed from errors.
 */
import { ZaloClient } from '../channels/zalo/client';
import { ZaloApiError, ZaloRequestError, ZaloUnauthorizedError } from '../channels/zalo/errors';
import { normaliseZaloUpdate } from '../channels/zalo/normalise';
import { ZALO_WEBHOOK_PATH } from '../channels/zalo/zalo-channel';

const DEFAULT_API_BASE = 'https://bot-api.zaloplatforms.com';

const USAGE = `Usage: scripts/zalo-webhook set|delete|info|whois

  set      Point Zalo at the bot's webhook: ZALO_WEBHOOK_URL (https://<your host>${ZALO_WEBHOOK_PATH})
           with ZALO_WEBHOOK_SECRET (8-256 characters), which Zalo sends back in the
           X-Bot-Api-Secret-Token header. Start the bot with the same two settings. Prints
           Zalo's record of the webhook and whether the address answers Zalo's check (exit 1 if not).
  delete   Remove the webhook, so the bot can receive updates by long polling again.
  info     Show the bot account and the webhook currently set.
  whois    Wait up to 30 s for one message to the bot and print its sender's chat id, to record an
           officer with \`scripts/admin add-officer … --zalo <chat id>\`. Stop the bot first (it
           would take the message) and have no webhook set.

Environment: ZALO_BOT_TOKEN (<bot_id>:<secret>, from Zalo Bot Manager), ZALO_API_BASE
(default ${DEFAULT_API_BASE}), and for \`set\` ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET.`;

/** A mistake the operator can fix by changing a setting or the command line. */
class UsageError extends Error {}
/** Zalo refused what was asked, and the message says what to check. */
class Refused extends Error {}

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function token(): string {
  const value = env('ZALO_BOT_TOKEN');
  if (!value) throw new UsageError('ZALO_BOT_TOKEN is not set: copy the token Zalo Bot Manager gave you when you created the bot.');
  if (!/^[^:\s]+:[^\s]+$/.test(value)) throw new UsageError('ZALO_BOT_TOKEN does not look like a Zalo bot token (<bot_id>:<secret>).');
  return value;
}

function apiBase(): string {
  const value = env('ZALO_API_BASE') ?? DEFAULT_API_BASE;
  if (!/^https?:\/\/\S+$/.test(value)) throw new UsageError(`ZALO_API_BASE must be an http(s) URL, e.g. ${DEFAULT_API_BASE}`);
  return value;
}

function webhookSettings(): { url: string; secret: string } {
  const url = env('ZALO_WEBHOOK_URL');
  const secret = env('ZALO_WEBHOOK_SECRET');
  if (!url) throw new UsageError(`ZALO_WEBHOOK_URL is not set: the bot's public address, e.g. https://bot.example.vn${ZALO_WEBHOOK_PATH}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`ZALO_WEBHOOK_URL is not a URL: ${url}`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(local && parsed.protocol === 'http:')) {
    throw new UsageError('ZALO_WEBHOOK_URL must start with https:// (Zalo delivers webhooks over HTTPS only).');
  }
  if (!secret)
    throw new UsageError(
      'ZALO_WEBHOOK_SECRET is not set: choose 8-256 characters (e.g. openssl rand -hex 24) and give the bot the same value.',
    );
  if (secret.length < 8 || secret.length > 256) throw new UsageError('ZALO_WEBHOOK_SECRET must be 8-256 characters.');
  if (!parsed.pathname.endsWith(ZALO_WEBHOOK_PATH)) {
    console.warn(
      `Note: the bot answers webhooks at ${ZALO_WEBHOOK_PATH}; ${parsed.pathname} only works behind a proxy that forwards it there.`,
    );
  }
  return { url, secret };
}

function when(ms: number | undefined): string {
  return typeof ms === 'number' && ms > 0 ? ` (updated ${new Date(ms).toISOString()})` : '';
}

async function run(args: string[]): Promise<void> {
  const command = args[0];
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (!['set', 'delete', 'info', 'whois'].includes(command)) throw new UsageError(`Unknown command "${command}".`);
  const client = new ZaloClient({ token: token(), apiBase: apiBase(), timeoutMs: 15_000 });

  if (command === 'set') {
    const { url, secret } = webhookSettings();
    let result: { url: string; updated_at?: number };
    try {
      result = await client.setWebhook(url, secret);
    } catch (err) {
      if (err instanceof ZaloRequestError) throw new Refused(`Zalo did not accept the webhook: ${err.description}.\n${SET_HINT}`);
      throw err;
    }
    console.log(`Webhook set: ${result.url || url}${when(result.updated_at)}`);
    console.log('Zalo now POSTs updates there; long polling stops working until `scripts/zalo-webhook delete`.');
    await verify(client, url, secret);
  } else if (command === 'delete') {
    const result = await client.deleteWebhook();
    console.log(`Webhook removed${when(result.updated_at)}. The bot can long-poll again (leave ZALO_WEBHOOK_URL unset).`);
  } else if (command === 'whois') {
    await whois(client);
  } else {
    const [me, info] = await Promise.all([client.getMe(), client.getWebhookInfo()]);
    console.log(`Bot: ${me.account_name} (id ${me.id}, ${me.account_type}${me.can_join_groups ? ', can join groups' : ''})`);
    console.log(info.url ? `Webhook: ${info.url}${when(info.updated_at)}` : 'Webhook: none (the bot receives updates by long polling)');
  }
}

/** What to check when Zalo refuses a webhook or the address does not answer as Zalo's check needs. */
const SET_HINT = `Zalo checks the address when the webhook is set (an empty POST with the secret header, which must get 200):
  - ZALO_WEBHOOK_URL must be https:// with a valid certificate, reachable from the internet, ending in ${ZALO_WEBHOOK_PATH}
    (or behind a proxy that forwards it there);
  - the bot must be running in webhook mode (ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET set) with the same ZALO_WEBHOOK_SECRET.`;

/**
 * After setWebhook: what Zalo now holds (getWebhookInfo), and whether the address answers the
 * check Zalo makes of it (an empty POST with the secret header; the bot answers 200). A failed
 * check leaves the webhook set but ends with exit code 1, so a deploy script notices.
 */
async function verify(client: ZaloClient, url: string, secret: string): Promise<void> {
  const info = await client.getWebhookInfo();
  if (info.url === url) console.log(`Zalo's record: ${info.url}${when(info.updated_at)}`);
  else {
    console.log(`Zalo's record: ${info.url || 'no webhook'}, not ${url}. Run \`scripts/zalo-webhook info\` in a moment.`);
    process.exitCode = 1;
  }
  const check = await probe(url, secret);
  if (check === 200) {
    console.log(`Check: ${url} answered Zalo's empty check with 200. The webhook is ready.`);
    return;
  }
  process.exitCode = 1;
  const why =
    check === 401
      ? 'answered 401: the bot there has another ZALO_WEBHOOK_SECRET; start it with the same value.'
      : check === 404
        ? `answered 404: nothing serves ${ZALO_WEBHOOK_PATH} there; is the bot running in webhook mode, and does the proxy forward the path?`
        : typeof check === 'number'
          ? `answered ${check}, not 200.`
          : `could not be reached (${check}): is the bot running, and is the address public?`;
  console.log(`Check: ${url} ${why}\n${SET_HINT}`);
}

/** Zalo's check of a webhook, as live captures show it: an empty body with the secret header. */
async function probe(url: string, secret: string): Promise<number | string> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': secret },
      body: '',
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return res.status;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (err instanceof Error ? err.name : 'no answer');
  }
}

async function whois(client: ZaloClient): Promise<void> {
  if ((await client.getWebhookInfo()).url) {
    throw new UsageError(
      'A webhook is set, so messages go there, not to this command: run `scripts/zalo-webhook delete` first (and `set` again afterwards).',
    );
  }
  console.log('Waiting up to 30 s: send any message to the bot from the Zalo account to look up…');
  const updates = await client.getUpdates({ timeoutSeconds: 30 });
  const messages = updates.map((u) => normaliseZaloUpdate(u)).filter((m) => m !== null);
  if (messages.length === 0) {
    console.log('Nothing arrived. Is the bot stopped, and was the message sent to this bot?');
    return;
  }
  for (const m of messages) {
    console.log(`chat id: ${m.chatId} (${m.chatType} chat) · from: ${m.userName ?? 'unknown name'} (user id ${m.userId})`);
  }
}

/** What to tell the operator: what failed and what to do next, never the token. */
function explain(err: unknown): string {
  if (err instanceof UsageError) return `${err.message}\n\n${USAGE}`;
  if (err instanceof Refused) return err.message;
  if (err instanceof ZaloUnauthorizedError) return `Zalo refused the token (${err.description}): check ZALO_BOT_TOKEN in Zalo Bot Manager.`;
  if (err instanceof ZaloRequestError)
    return `Zalo refused the request: ${err.description}. Check ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET.`;
  if (err instanceof ZaloApiError)
    return `Could not reach the Zalo Bot API at ${env('ZALO_API_BASE') ?? DEFAULT_API_BASE}: ${err.description}. Try again in a moment.`;
  return err instanceof Error ? err.message : String(err);
}

/** `zalo-webhook …`: exit code 0 when done, 2 for a usage error, 1 for anything else. */
export function main(args: string[]): Promise<number> {
  return run(args).then(
    // A webhook set but failing Zalo's check sets exit code 1 (verify) after printing why.
    () => (process.exitCode === 1 ? 1 : 0),
    (err: unknown) => {
      const token = env('ZALO_BOT_TOKEN');
      let message = explain(err);
      // Belt and braces: the client's errors never carry the token, but nothing here may print it.
      for (const secret of [token, token?.split(':').slice(1).join(':')]) {
        if (secret && secret.length >= 4) message = message.split(secret).join('<ZALO_BOT_TOKEN>');
      }
      console.error(message);
      return err instanceof UsageError ? 2 : 1;
    },
  );
}
