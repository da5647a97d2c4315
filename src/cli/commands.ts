/**
 * The operators' commands, compiled with the bot so that the image runs them as it runs the bot:
 * `docker compose run --rm bot admin list officers` (the image's entry point is dist/main.js), and
 * `scripts/admin …` in a checkout. Each is loaded only when asked for, so the bot does not load the
 * commands and a command does not start the bot.
 */
type Command = () => Promise<{ main(args: string[]): Promise<number> }>;

const COMMANDS: Record<string, Command> = {
  admin: () => import('./admin'),
  seed: () => import('./seed'),
  report: () => import('./report'),
  'faq-misses': () => import('./faq-misses'),
  'zalo-webhook': () => import('./zalo-webhook'),
  backup: async () => ({ main: (await import('./backup')).mainBackup }),
  restore: async () => ({ main: (await import('./backup')).mainRestore }),
};

export function isCommand(name: string | undefined): name is string {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** Runs the command `name` with its arguments and resolves to its exit code. */
export async function runCommand(name: string, args: string[]): Promise<number> {
  const command = COMMANDS[name];
  if (!command) throw new Error(`unknown command ${name}: one of ${Object.keys(COMMANDS).join(', ')}`);
  return (await command()).main(args);
}
