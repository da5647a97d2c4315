import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** The least a process needs; no services are reached by loadConfig. */
const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
  CONTACT_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  KEY_HMAC_SECRET: Buffer.alloc(32, 9).toString('base64'),
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('console channel and production', () => {
  it('runs the console with no platform token outside production, as the README promises', () => {
    expect(loadConfig(base).console).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).console).toBe(true);
  });

  it('refuses a production process with no platform token, naming what to set', () => {
    const message = refusal({ ...base, NODE_ENV: 'production' });
    expect(message).toMatch(/TELEGRAM_BOT_TOKEN.*ZALO_BOT_TOKEN.*NODE_ENV=production/);
    expect(message).toMatch(/console channel/);
  });

  it('refuses CONSOLE_CHANNEL=true in production even with a token', () => {
    const message = refusal({ ...base, NODE_ENV: 'production', TELEGRAM_BOT_TOKEN: '1:abc', CONSOLE_CHANNEL: 'true' });
    expect(message).toMatch(/CONSOLE_CHANNEL: must not be set with NODE_ENV=production/);
    expect(message).not.toContain('1:abc');
  });

  it('starts a production process that has a platform token without the console', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production', ZALO_BOT_TOKEN: '123:abc' }).console).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'production', TELEGRAM_BOT_TOKEN: '1:abc' }).console).toBe(false);
  });

  it('main.ts exits with code 2 and the reason on stderr, instead of becoming a console that exits and restarts', () => {
    const root = join(__dirname, '..', '..');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...base, NODE_ENV: 'production' };
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts')], {
      cwd: root,
      env,
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/TELEGRAM_BOT_TOKEN: or ZALO_BOT_TOKEN is required with NODE_ENV=production/);
    expect(run.stdout).toBe('');
  });
});

describe('METRICS_TOKEN', () => {
  it('takes a long token, leaves /metrics to loopback without one, and refuses a short one without quoting it', () => {
    expect(loadConfig({ ...base, METRICS_TOKEN: 'a'.repeat(24) }).metrics.token).toBe('a'.repeat(24));
    expect(loadConfig(base).metrics.token).toBeUndefined();
    const message = refusal({ ...base, METRICS_TOKEN: 'short-token-1' });
    expect(message).toMatch(/METRICS_TOKEN: 24-256 characters/);
    expect(message).not.toContain('short-token-1');
  });
});

describe("the operators' chat", () => {
  it('is off when OPERATOR_CHAT is unset or empty, with Vietnamese, a 30-minute window and a one-minute outage time', () => {
    for (const env of [base, { ...base, OPERATOR_CHAT: '' }]) {
      expect(loadConfig(env).operators).toEqual({ chat: undefined, lang: 'vi', windowMs: 30 * 60_000, outageMs: 60_000 });
    }
  });

  it('names a platform and a chat, kept whole after the first colon', () => {
    const { operators } = loadConfig({
      ...base,
      TELEGRAM_BOT_TOKEN: '1:abc',
      OPERATOR_CHAT: 'telegram:-1001234567890',
      OPERATOR_LANG: 'en',
    });
    expect(operators.chat).toEqual({ channel: 'telegram', chatId: '-1001234567890' });
    expect(operators.lang).toBe('en');
    expect(loadConfig({ ...base, ZALO_BOT_TOKEN: '1:abc', OPERATOR_CHAT: 'zalo:a:b' }).operators.chat).toEqual({
      channel: 'zalo',
      chatId: 'a:b',
    });
  });

  it('refuses another form, and a platform whose token is not set', () => {
    expect(refusal({ ...base, TELEGRAM_BOT_TOKEN: '1:abc', OPERATOR_CHAT: '-1001234567890' })).toMatch(
      /OPERATOR_CHAT has the form telegram:<chatId>/,
    );
    expect(refusal({ ...base, TELEGRAM_BOT_TOKEN: '1:abc', OPERATOR_CHAT: 'zalo:abc' })).toMatch(
      /OPERATOR_CHAT: names a zalo chat, but ZALO_BOT_TOKEN is not set/,
    );
  });
});
