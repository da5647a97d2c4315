import { join } from 'node:path';
import { TelegramApiError } from '../../src/channels/telegram/errors';
import { errorFields, ownFrames } from '../../src/error-fields';
import { JobFailedError } from '../../src/queues/storable-failure';

const ROOT = join(__dirname, '..', '..');

describe('error fields for the logs', () => {
  it('keeps only our src/ and dist/ frames, as repository paths, and never the first line (the message)', () => {
    const stack = [
      'TypeError: Cannot read properties of undefined (reading "Nguyễn Thị Lan +84 912 345 678")',
      `    at sendParts (${ROOT}/src/outbox/send-parts.ts:61:13)`,
      `    at ${ROOT}/dist/outbox/consumer.js:120:7`,
      `    at file://${ROOT}/src/app/worker.ts:40:3`,
      `    at Worker.callProcessJob (${ROOT}/node_modules/bullmq/dist/cjs/classes/worker.js:751:16)`,
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at eval (eval at <anonymous> (/elsewhere/x.js:1:1), <anonymous>:1:1)',
    ].join('\n');
    expect(ownFrames(stack, ROOT)).toEqual([
      'sendParts (src/outbox/send-parts.ts:61:13)',
      'dist/outbox/consumer.js:120:7',
      'src/app/worker.ts:40:3',
    ]);
  });

  it("names our code, the class, the wrapped failure, and a platform error's codes, and quotes no message or reason", () => {
    const platform = new TelegramApiError('sendMessage', 502, 'Bad Gateway: chat 100000001 said "trộm xe"', true);
    const fields = errorFields(new JobFailedError(platform));
    expect(fields).toMatchObject({
      code: 'TelegramApiError',
      class: 'JobFailedError',
      cause: { code: 'TelegramApiError', class: 'TelegramApiError', method: 'sendMessage', errorCode: 502 },
    });
    expect(JSON.stringify(fields)).not.toMatch(/Bad Gateway|100000001|trộm|message|reason/);
    // Our frames only: this test file is under test/, so none of its frames are kept.
    expect((fields as { cause: { stack: string[] } }).cause.stack.every((f) => /\b(src|dist)\//.test(f))).toBe(true);
  });

  it('says what it was given when it is not an Error at all', () => {
    expect(errorFields('a string with words')).toEqual({ code: 'NotAnError', class: 'string', stack: [] });
  });
});
