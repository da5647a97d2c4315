import { saysNone, saysSend, saysYes, whenOf } from '../../src/domain/understanding/answers';
import { parseCorpus, CorpusError, type Example } from '../../src/domain/understanding/corpus';
import { blend } from '../../src/domain/understanding/blend';
import { NaiveBayes } from '../../src/domain/understanding/naive-bayes';
import { SoftmaxRegression, SOFTMAX_DEFAULTS } from '../../src/domain/understanding/softmax-regression';
import { englishStem } from '../../src/domain/understanding/english-stem';
import { featuresOf, wordsOf } from '../../src/domain/understanding/tokens';
import { Understander } from '../../src/domain/understanding/understand';
import { parsePhone } from '../../src/conversations/engine';
import { readCorpus } from '../../src/i18n/understanding';

describe('words as residents type them', () => {
  it('folds diacritics, spells out chat abbreviations and keeps what was typed with diacritics', () => {
    expect(wordsOf('Ko có mã, dc ko?').folded).toEqual(['khong', 'co', 'ma', 'duoc', 'khong']);
    const f = featuresOf('Cháy nhà');
    expect(f).toEqual(expect.arrayContaining(['w:chay', 'w:nha', 'b:chay_nha', 'd:cháy', 'd:nhà']));
    expect(featuresOf('chay nha')).not.toContain('d:cháy');
    // A Telex slip reads as its word too.
    expect(featuresOf('trooms')).toContain('w:trom');
    expect(featuresOf('Cháy'.normalize('NFD'))).toEqual(featuresOf('Cháy'));
  });

  it('reads the forms of an English word as one, and leaves Vietnamese syllables alone', () => {
    const stems = (words: string[]) => words.map(englishStem);
    expect(new Set(stems(['steal', 'stealing', 'stole', 'stolen', 'steals']))).toEqual(new Set(['steal']));
    expect(new Set(stems(['bike', 'bikes']))).toEqual(new Set(['bik']));
    expect(new Set(stems(['rob', 'robbed', 'robbing']))).toEqual(new Set(['rob']));
    expect(new Set(stems(['smoke', 'smoking', 'smokes']))).toEqual(new Set(['smok']));
    expect(stems(['nguoi', 'truong', 'nghieng', 'khong', 'thuoc', 'chung', 'tb2612'])).toEqual([
      'nguoi',
      'truong',
      'nghieng',
      'khong',
      'thuoc',
      'chung',
      'tb2612',
    ]);
    // A stem joins the words, and its pairs the pairs, only where it differs.
    expect(featuresOf('bikes stolen')).toEqual(expect.arrayContaining(['w:bikes', 'w:bik', 'w:steal', 'b:bikes_stolen', 'b:bik_steal']));
    expect(featuresOf('xe mat').filter((f) => f.startsWith('b:'))).toEqual(['b:xe_mat']);
  });

  it('reads yes, send, nothing and times the ways people say them', () => {
    for (const yes of ['có', 'dung roi', 'ok', 'Dạ vâng', 'u']) expect(saysYes(yes)).toBe(true);
    expect(saysYes('không')).toBe(false);
    for (const send of ['ok', 'dong y', 'đúng rồi', 'gửi đi', 'Gửi luôn nha']) expect(saysSend(send)).toBe(true);
    for (const none of ['khong biet', 'ko co', 'không có mã', 'không', 'khong co anh']) expect(saysNone(none)).toBe(true);
    expect(saysNone('có 2 ảnh')).toBe(false);
    expect(whenOf('dem qua')).toEqual({ when: 'earlier', detail: 'dem qua' });
    expect(whenOf('hôm qua lúc 9h tối')).toEqual({ when: 'earlier', detail: 'hôm qua lúc 9h tối' });
    expect(whenOf('sáng nay')).toEqual({ when: 'today' });
    expect(whenOf('2 tiếng trước')).toEqual({ when: 'today' });
    expect(whenOf('khoảng 30 phút trước')).toEqual({ when: 'today' });
    expect(whenOf('two hours ago')).toEqual({ when: 'today' });
    expect(whenOf('vừa xong')).toEqual({ when: 'now' });
    expect(whenOf('chắc là')).toBeNull();
  });

  it('finds a phone number inside a sentence', () => {
    expect(parsePhone('sdt em la 0909 123 456')).toBe('0909123456');
    expect(parsePhone('+84 909.123.456 nhé')).toBe('+84909123456');
    expect(parsePhone('nhà số 12345')).toBeNull();
  });
});

describe('the classifier', () => {
  it('learns counts and gives posteriors that sum to one, the same every time', () => {
    const nb = new NaiveBayes<'a' | 'b'>();
    nb.learn(['x', 'y'], 'a');
    nb.learn(['z'], 'b');
    const r = nb.classify(['x']);
    expect(r[0].label).toBe('a');
    expect(r.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 10);
    expect(nb.classify(['x'])).toEqual(r);
    expect(nb.classify(['unseen'])[0].label).toBe('a'); // the prior decides
  });

  it('learns a regression whose answer on a tiny corpus is known, the same for the same seed', () => {
    // "x" only ever comes with a, "z" with b, "y" with both: "y" alone settles nothing.
    const corpus = [
      { features: ['x', 'y'], label: 'a' as const },
      { features: ['x'], label: 'a' as const },
      { features: ['z', 'y'], label: 'b' as const },
      { features: ['z'], label: 'b' as const },
    ];
    const model = new SoftmaxRegression(corpus);
    const [top, second] = model.classify(['x', 'unseen']);
    expect(top.label).toBe('a');
    expect(top.p).toBeGreaterThan(0.8);
    expect(top.p + second.p).toBeCloseTo(1, 10);
    expect(model.classify(['z'])[0].label).toBe('b');
    const [ya, yb] = model.classify(['y']);
    expect(Math.abs(ya.p - yb.p)).toBeLessThan(0.2);
    // Deterministic: the same examples and seed give the same probabilities to the last bit; another
    // seed shuffles the passes differently and so may differ (but still reads "x" as a).
    expect(new SoftmaxRegression(corpus).classify(['x', 'y'])).toEqual(model.classify(['x', 'y']));
    expect(new SoftmaxRegression(corpus, { ...SOFTMAX_DEFAULTS, seed: 7 }).classify(['x'])[0].label).toBe('a');
  });

  it('blends two readings by their weights, labels only one reader knows included', () => {
    const r = blend(
      [
        { label: 'a', p: 0.9 },
        { label: 'b', p: 0.1 },
      ],
      [
        { label: 'b', p: 0.6 },
        { label: 'c', p: 0.4 },
      ],
      0.5,
    );
    expect(r.map((s) => s.label)).toEqual(['a', 'b', 'c']);
    expect(r.map((s) => s.p)).toEqual([0.45, 0.35, 0.2].map((p) => expect.closeTo(p, 10)));
  });

  it('checks the corpus: a bad line names its file and line', () => {
    const known = { categories: new Set(['tip:theft']), faqTopics: new Set(['vneid']) };
    expect(() => parseCorpus('{"text":"x","intent":"tip","category":"nope","set":"train"}', 'vi.jsonl', known)).toThrow(
      new CorpusError('vi.jsonl:1: unknown tip category nope'),
    );
    expect(() => parseCorpus('\n{"text":"x","intent":"faq","faq":"vneid","set":"both"}', 'vi.jsonl', known)).toThrow(/vi.jsonl:2: set/);
    // The round of writing: the evaluation reports the later rounds' held-out examples apart.
    expect(parseCorpus('{"text":"x","intent":"faq","faq":"vneid","set":"test","round":2}', 'vi.jsonl', known)[0].round).toBe(2);
    expect(parseCorpus('{"text":"x","intent":"faq","faq":"vneid","set":"test"}', 'vi.jsonl', known)[0].round).toBeUndefined();
    expect(() => parseCorpus('{"text":"x","intent":"faq","faq":"vneid","set":"test","round":0}', 'vi.jsonl', known)).toThrow(
      /vi.jsonl:1: round/,
    );
  });

  it('is built from the train part only, and the same corpus gives the same answers', () => {
    const corpus = readCorpus();
    expect(corpus.filter((e) => e.set === 'test').length).toBeGreaterThan(0);
    const a = new Understander(corpus);
    const b = new Understander(corpus);
    const texts = corpus.filter((e) => e.set === 'test').map((e) => e.text);
    expect(texts.map((x) => a.understand(x))).toEqual(texts.map((x) => b.understand(x)));
    // A held-out example changes nothing: only train examples are learned.
    const extra: Example = { text: 'zzqq', intent: 'greeting', emergency: [], set: 'test' };
    expect(new Understander([...corpus, extra]).understand('zzqq')).toEqual(a.understand('zzqq'));
  });
});
