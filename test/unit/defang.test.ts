import { defang } from '../../src/domain/defang';

/** What a tipster sees of an officer's question: nothing a platform would turn into a link or a mention. */
describe('defang', () => {
  it.each([
    ['Xem https://bit.ly/abc?x=1 nhé', 'Xem hxxps://bit[.]ly/abc?x=1 nhé'],
    ['HTTP://EXAMPLE.COM', 'HxxP://EXAMPLE[.]COM'],
    ['vào t.me/ban_xe hoặc @ban_xe', 'vào t[.]me/ban_xe hoặc ＠ban_xe'],
    ['email a@b.com.vn', 'email a＠b[.]com[.]vn'],
    ['tg://resolve?domain=x', 'tg[:]//resolve?domain=x'],
    ['www.zalo.me/0903', 'www[.]zalo[.]me/0903'],
  ])('%s', (question, shown) => {
    expect(defang(question)).toBe(shown);
  });

  it('leaves numbers, plates, reference codes and ordinary Vietnamese as they are', () => {
    const plain = 'Biển số 59X1-123.45, mã TB-2612-0001, lúc 9.30, v.v. Anh/chị thấy gì?';
    expect(defang(plain)).toBe(plain);
  });
});
