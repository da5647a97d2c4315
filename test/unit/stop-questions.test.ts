import { stopRequest } from '../../src/domain/stop-questions';

describe('a typed "stop asking me"', () => {
  it.each([
    'dừng',
    'Dừng!',
    'đừng',
    'Đừng hỏi nữa',
    'dung hoi nua',
    'ĐỪNG HỎI TÔI NỮA.',
    'dừng lại',
    'ngừng hỏi',
    'stop',
    'Stop asking me',
    "don't ask me again",
    'dừng'.normalize('NFD'),
  ])('%s is a stop', (text) => expect(stopRequest(text)).toBe('stop'));
  it('a bare "dung" is dừng or đúng: unsure', () => {
    expect(stopRequest('dung')).toBe('unsure');
    expect(stopRequest('Dung.')).toBe('unsure');
  });
  it.each(['đúng', 'Đúng rồi', 'dũng', 'Dừng xe trước nhà số 5', 'không', 'stop sign on the corner'])('%s is not', (text) =>
    expect(stopRequest(text)).toBeNull(),
  );
});
