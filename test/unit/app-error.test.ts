import { RecipientUnavailableError, SendRateLimitedError } from '../../src/channels/send-errors';
import { ZaloApiError, ZaloRateLimitedError } from '../../src/channels/zalo/errors';
import { ConfigError } from '../../src/config';
import { QueueUnavailableError } from '../../src/conversations/ports';
import { AppError } from '../../src/domain/app-error';

class ParcelLostError extends AppError {}
class ParcelLostAtNightError extends ParcelLostError {
  constructor(readonly hour: number) {
    super(`lost at ${hour}:00`);
  }
}

describe('AppError', () => {
  it('names each subclass after its class, however deep, without the subclass setting name', () => {
    expect(new ParcelLostError('x').name).toBe('ParcelLostError');
    expect(new ParcelLostAtNightError(2).name).toBe('ParcelLostAtNightError');
    expect(String(new ParcelLostAtNightError(2))).toBe('ParcelLostAtNightError: lost at 2:00');
  });

  it('keeps instanceof working along the whole chain', () => {
    const err: unknown = new ParcelLostAtNightError(3);
    expect(err).toBeInstanceOf(ParcelLostAtNightError);
    expect(err).toBeInstanceOf(ParcelLostError);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toBeInstanceOf(Error);
    expect(new ParcelLostError('x')).not.toBeInstanceOf(ParcelLostAtNightError);
    expect((err as ParcelLostAtNightError).hour).toBe(3);
  });

  it('passes the cause on', () => {
    const cause = new Error('redis away');
    expect(new ParcelLostError('x', { cause }).cause).toBe(cause);
  });

  it("gives the project's errors their own names, which logs and stored failures record", () => {
    expect(new QueueUnavailableError().name).toBe('QueueUnavailableError');
    expect(new ConfigError('bad').name).toBe('ConfigError');
    // Stored as a notification's lastError and compared by the broadcast worker: the value must not change.
    expect(new RecipientUnavailableError('blocked').name).toBe('RecipientUnavailableError');
    expect(new SendRateLimitedError(1000).name).toBe('SendRateLimitedError');
    const zalo = new ZaloRateLimitedError({ method: 'sendMessage', errorCode: 429, description: 'quota' });
    expect(zalo.name).toBe('ZaloRateLimitedError');
    expect(zalo).toBeInstanceOf(ZaloApiError);
    expect(zalo).toBeInstanceOf(AppError);
  });
});
