/**
 * The baseline of the conversation benchmark: a bare telegraf bot that answers every message
 * with one fixed reply through the Bot API (no Redis, no database, no conversation), behind the
 * same kind of webhook as ours (secret header checked, answered after the handler finished).
 * Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET, HTTP_PORT.
 */
import { createServer } from 'node:http';
import { Telegraf } from 'telegraf';

const token = process.env.TELEGRAM_BOT_TOKEN!;
const apiRoot = process.env.TELEGRAM_API_ROOT!;
const secret = process.env.TELEGRAM_WEBHOOK_SECRET!;
const port = Number(process.env.HTTP_PORT);

// webhookReply off: the reply is a Bot API call, as our bot's replies are.
const bot = new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
bot.on('message', (ctx) => ctx.reply('ok'));
bot.on('callback_query', (ctx) => ctx.reply('ok'));

const callback = bot.webhookCallback('/telegram/webhook', { secretToken: secret });
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  void callback(req, res);
});

bot.telegram
  .getMe()
  .then((me) => {
    bot.botInfo = me;
    server.listen(port, '127.0.0.1');
  })
  .catch((err) => {
    process.stderr.write(`bare telegraf: ${String(err)}\n`);
    process.exit(1);
  });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
