/**
 * The baselines of the conversation benchmark: a bare telegraf bot that answers every message
 * with one fixed reply through the Bot API (no conversation, no database), behind the same kind
 * of webhook as ours (secret header checked, answered after the handler finished).
 *
 * With BARE_INBOX_REDIS_URL it keeps our durable inbox too (src/channels/inbox, the same class,
 * options and defaults as the bot role): each webhook update is sealed and queued in BullMQ before
 * the 200, and taken out and answered by the inbox's worker, as our bot does. That is the cost of
 * "no update is lost" measured apart from everything else our bot does per update.
 *
 * Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET, HTTP_PORT,
 * optionally BARE_INBOX_REDIS_URL and INBOX_CONCURRENCY (8, as the bot's default).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import IORedis from 'ioredis';
import { Telegraf } from 'telegraf';
import { UpdateInbox } from '../../src/channels/inbox/update-inbox';
import { SealedBox } from '../../src/domain/sealed-box';
import { createLogger } from '../../src/logger';

const token = process.env.TELEGRAM_BOT_TOKEN!;
const apiRoot = process.env.TELEGRAM_API_ROOT!;
const secret = process.env.TELEGRAM_WEBHOOK_SECRET!;
const port = Number(process.env.HTTP_PORT);
const inboxRedis = process.env.BARE_INBOX_REDIS_URL;

// webhookReply off: the reply is a Bot API call, as our bot's replies are.
const bot = new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
bot.on('message', (ctx) => ctx.reply('ok'));
bot.on('callback_query', (ctx) => ctx.reply('ok'));

const inbox = inboxRedis
  ? new UpdateInbox(
      new IORedis(inboxRedis, { maxRetriesPerRequest: null }),
      'telegram',
      new SealedBox(randomBytes(32)),
      createLogger('warn', undefined, { role: 'bare' }),
      { concurrency: Number(process.env.INBOX_CONCURRENCY ?? 8), lockMs: 30_000, attempts: 3, backoffMs: 2000 },
    )
  : undefined;

const webhook = bot.webhookCallback('/telegram/webhook', { secretToken: secret });
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  if (!inbox) {
    void webhook(req, res);
    return;
  }
  // As our webhook route does: the secret checked, the update in Redis, then the 200.
  if (req.headers['x-telegram-bot-api-secret-token'] !== secret) {
    res.writeHead(401).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { update_id?: number };
    inbox.put(update.update_id === undefined ? undefined : `telegram:${update.update_id}`, update).then(
      () => res.writeHead(200).end(),
      () => res.writeHead(500).end(),
    );
  });
});

bot.telegram
  .getMe()
  .then((me) => {
    bot.botInfo = me;
    inbox?.start((update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]));
    server.listen(port, '127.0.0.1');
  })
  .catch((err) => {
    process.stderr.write(`bare telegraf: ${String(err)}\n`);
    process.exit(1);
  });
process.once('SIGTERM', () => server.close(() => void (inbox?.close() ?? Promise.resolve()).finally(() => process.exit(0))));
