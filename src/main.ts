import { startBot, type BotHandle } from './app/bot';
import { addOperationsRoutes } from './app/operations-routes';
import { startOutageWatch } from './app/operations';
import { openRuntime, ROLES, type Role } from './app/runtime';
import { createSenders } from './app/senders';
import { startWorkers, type WorkerHandle } from './app/worker';
import { isCommand, runCommand } from './cli/commands';
import { ConfigError, loadConfig } from './config';
import { redactSecrets, storableReason } from './domain/app-error';
import { HttpServer } from './http/http-server';
import { createLogger } from './logger';

/**
 * Entry point: `node dist/main.js --role bot|worker|dashboard|all` (default all, for a small deployment).
 * Several bot and worker processes may run side by side against one Redis and one database.
 * `node dist/main.js admin|seed|report|faq-misses|zalo-webhook …` runs an operators' command instead.
 */
async function main(): Promise<void> {
  const role = parseRole(process.argv.slice(2));
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // In console mode stdout is the chat: logs go to stderr so they don't interleave with it.
  const log = createLogger(config.logLevel, config.console ? process.stderr : undefined, { role });
  const rt = await openRuntime(config, log);
  const outages = startOutageWatch(rt);
  const http = new HttpServer(config.http, log);
  let bot: BotHandle | undefined;
  let workers: WorkerHandle | undefined;
  let stopping = false;
  const operations = addOperationsRoutes(http, rt, {
    role,
    stopping: () => stopping,
    channels: () => bot?.receivers,
    workers: () => workers?.workers,
  });

  const shutdown = async (signal: string) => {
    if (stopping) return;
    // /readyz answers 503 from here on; webhooks still write to the inbox while the rest drains.
    stopping = true;
    log.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutdown');
    // A hung close (a send that never answers) must not keep the process from ending: jobs left
    // active are taken over by another worker once their lock lapses, inbox updates wait in Redis.
    setTimeout(() => {
      log.error({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutdown.deadline_passed');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    await bot?.close().catch(() => undefined);
    await workers?.close().catch(() => undefined);
    await http.stop().catch(() => undefined);
    await operations.close();
    outages.stop();
    await rt.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled_rejection'));

  if (role === 'worker' || role === 'all') workers = startWorkers(rt, createSenders(rt));
  if (role !== 'worker')
    bot = await startBot(rt, http, { onConsoleQuit: () => void shutdown('console-quit'), receive: role !== 'dashboard' });
  const port = await http.start();
  log.info({ role, port }, 'started');
}

function parseRole(args: string[]): Role {
  const i = args.indexOf('--role');
  const role = i >= 0 ? args[i + 1] : 'all';
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  process.stderr.write(`Unknown role "${role}": use --role ${ROLES.join(', ')}\n`);
  process.exit(2);
}

const [command, ...commandArgs] = process.argv.slice(2);
if (isCommand(command)) {
  runCommand(command, commandArgs).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `${command} failed: ${redactSecrets(err instanceof Error ? err.message : String(err), secretsOf(process.env))}\n`,
      );
      process.exit(1);
    },
  );
} else {
  // The message says what to fix (a database that cannot be reached, a token Telegram refused).
  // Platform calls throw our own errors, which never quote the token; redacting Bot API paths and
  // every configured secret is the last defence for anything else.
  main().catch((err) => {
    const what =
      err instanceof Error ? `${storableReason(err).split(':')[0]}: ${redactSecrets(err.message, secretsOf(process.env))}` : 'unknown';
    process.stderr.write(`Start-up failed: ${what}\n`);
    process.exit(1);
  });
}

/** Every configured secret, so none is printed even if a message quoted it. */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return [
    'TELEGRAM_BOT_TOKEN',
    'ZALO_BOT_TOKEN',
    'TELEGRAM_WEBHOOK_SECRET',
    'ZALO_WEBHOOK_SECRET',
    'CONTACT_ENCRYPTION_KEY',
    'METRICS_TOKEN',
    'QUEUE_UI_PASSWORD',
  ]
    .map((k) => env[k])
    .filter((v): v is string => Boolean(v));
}
