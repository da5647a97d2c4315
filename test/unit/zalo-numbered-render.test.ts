import { renderNumbered } from '../../src/channels/numbered-render';
import { matchOption as matchNumberedOption } from '../../src/domain/option-match';
import type { Option, OutboundMessage } from '../../src/conversations/messages';

const labels = { reply: 'Trả lời bằng số' };

const kinds: Option[] = [
  { id: 'theft', label: 'Trộm cắp' },
  { id: 'fight', label: 'Đánh nhau' },
  { id: 'noise', label: 'Gây ồn ào' },
];

describe('renderNumbered', () => {
  it('renders text, numbered options and the reply prompt in one message', () => {
    const out = renderNumbered({ text: 'Bạn muốn báo việc gì?', options: kinds }, labels);
    expect(out).toEqual(['Bạn muốn báo việc gì?\n\n1. Trộm cắp\n2. Đánh nhau\n3. Gây ồn ào\n\nTrả lời bằng số']);
  });

  it('leaves out the prompt when there are no options', () => {
    expect(renderNumbered({ text: 'Xin chào' }, labels)).toEqual(['Xin chào']);
  });

  it('renders links, a map pin with a maps link and attachments', () => {
    const msg: OutboundMessage = {
      text: 'Tin báo mới',
      links: [{ label: 'Mở trò chuyện riêng', url: 'https://zalo.me/x' }],
      location: { latitude: 21.0285, longitude: 105.8542 },
      attachments: [
        { kind: 'photo', ref: 'https://example.com/a.jpg' },
        { kind: 'video', ref: 'vid-1' },
      ],
    };
    const [text] = renderNumbered(msg, labels);
    expect(text).toBe(
      [
        'Tin báo mới',
        '',
        'Mở trò chuyện riêng: https://zalo.me/x',
        '',
        '📍 21.0285, 105.8542',
        'https://maps.google.com/?q=21.0285,105.8542',
        '',
        '📎 photo: https://example.com/a.jpg',
        '📎 video: vid-1',
      ].join('\n'),
    );
  });

  it('splits long messages on line boundaries, every chunk within the limit', () => {
    const options = Array.from({ length: 300 }, (_, i) => ({ id: `o${i}`, label: `Lựa chọn số ${i + 1} có dấu` }));
    const chunks = renderNumbered({ text: 'Chọn một', options }, labels);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      expect(chunk).toBe(chunk.trim());
    }
    const lines = chunks
      .join('\n')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toContain('300. Lựa chọn số 300 có dấu');
    expect(lines[lines.length - 1]).toBe('Trả lời bằng số');
    // No line was cut: each option line appears whole.
    for (let i = 1; i <= 300; i++) expect(lines).toContain(`${i}. Lựa chọn số ${i} có dấu`);
  });

  it('honours a smaller maxLength', () => {
    const chunks = renderNumbered({ text: 'a\nbb\nccc\ndddd' }, labels, { maxLength: 6 });
    expect(chunks).toEqual(['a\nbb', 'ccc', 'dddd']);
  });

  it('hard-splits a single line longer than the limit without breaking an emoji', () => {
    const line = 'x'.repeat(1999) + '😀' + 'y'.repeat(3000);
    const chunks = renderNumbered({ text: line }, labels);
    expect(chunks.join('')).toBe(line);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2000);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('returns nothing for an empty message', () => {
    expect(renderNumbered({ text: '   ' }, labels)).toEqual([]);
  });
});

describe('matchNumberedOption', () => {
  it.each([
    ['2', 'fight'],
    [' 2. ', 'fight'],
    ['3)', 'noise'],
    ['Đánh nhau', 'fight'],
    ['danh nhau', 'fight'],
    ['  DANH   NHAU ', 'fight'],
    ['trom cap', 'theft'],
    ['gay on ao', 'noise'],
    ['Gây', 'noise'],
    ['dan', 'fight'],
    ['tro', 'theft'],
  ])('matches %j', (answer, id) => {
    expect(matchNumberedOption(kinds, answer)?.id).toBe(id);
  });

  it.each(['0', '4', '', '  ', 'tr', 'xyz', 'đánh nhau dữ dội'])('does not match %j', (answer) => {
    expect(matchNumberedOption(kinds, answer)).toBeUndefined();
  });

  it('accepts decomposed (NFD) input as typed by some keyboards', () => {
    expect(matchNumberedOption(kinds, 'Đánh nhau'.normalize('NFD'))?.id).toBe('fight');
  });

  it('refuses an ambiguous prefix or an ambiguous folded label', () => {
    const options: Option[] = [
      { id: 'a', label: 'Cơ quan' },
      { id: 'b', label: 'Có việc' },
      { id: 'c', label: 'Cổ' },
      { id: 'd', label: 'Co' },
    ];
    expect(matchNumberedOption(options, 'co')).toBeUndefined();
    expect(matchNumberedOption(options, 'Cổ')?.id).toBe('c');
    expect(matchNumberedOption(options, 'co q')?.id).toBe('a');
    expect(matchNumberedOption(options, 'coo')).toBeUndefined();
  });
});
