import { parseCommand } from '../../src/conversations/parse-command';

describe('parseCommand', () => {
  it.each([
    ['/baotin', { name: 'baotin', args: '' }],
    ['  /start tip_KP1TO3 ', { name: 'start', args: 'tip_KP1TO3' }],
    ['/Hủy', { name: 'huy', args: '' }],
    ['/hủy'.normalize('NFD'), { name: 'huy', args: '' }],
    ['/khuvuc@totuquan_bot kp1-to3', { name: 'khuvuc', args: 'kp1-to3' }],
    ['/LANG   en', { name: 'lang', args: 'en' }],
  ])('%j', (text, expected) => expect(parseCommand(text, 'totuquan_bot')).toEqual(expected));

  it.each(['hello', '/', '/start@otherbot', 'a /start', `/${'x'.repeat(40)}`])('not a command of ours: %j', (text) =>
    expect(parseCommand(text, 'totuquan_bot')).toBeUndefined(),
  );
});
