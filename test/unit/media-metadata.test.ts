import { MalformedMediaError, mediaFormat, stripMetadata } from '../../src/domain/media-metadata';
import { SealedBox } from '../../src/domain/sealed-box';
import { EXIF_WORDS, sampleAac, sampleJpeg, samplePng, strippedJpeg } from '../support/sample-media';

/** Stripping a phone's photo of what it says about the tipster (issue 14, point 3), on bytes built as phones write them. */
describe('stripMetadata', () => {
  it('drops EXIF, XMP, ICC and comments from a JPEG and keeps JFIF and the picture byte for byte', () => {
    const file = sampleJpeg();
    for (const word of Object.values(EXIF_WORDS)) expect(file.includes(word)).toBe(true);
    const { bytes, format, removed } = stripMetadata(file);
    expect(format).toBe('jpeg');
    expect(bytes.equals(strippedJpeg())).toBe(true);
    expect(removed).toBe(file.length - bytes.length);
    for (const word of Object.values(EXIF_WORDS)) expect(bytes.includes(word)).toBe(false);
    expect(bytes.includes('Exif')).toBe(false);
    // Stripping a stripped file changes nothing.
    expect(stripMetadata(bytes).bytes.equals(bytes)).toBe(true);
  });

  it('drops an APP0 that is not JFIF (JFXX thumbnails) and fill bytes between markers do not confuse it', () => {
    const jfxx = Buffer.from([0xff, 0xe0, 0x00, 0x08, 0x4a, 0x46, 0x58, 0x58, 0x00, 0x10]);
    const file = sampleJpeg();
    const withJfxx = Buffer.concat([file.subarray(0, 2), Buffer.from([0xff]), jfxx, file.subarray(2)]);
    expect(stripMetadata(withJfxx).bytes.equals(strippedJpeg())).toBe(true);
  });

  it('drops text, EXIF and time chunks from a PNG and keeps the image chunks in order', () => {
    const { file, stripped } = samplePng();
    const out = stripMetadata(file);
    expect(out.format).toBe('png');
    expect(out.bytes.equals(stripped)).toBe(true);
    for (const word of [EXIF_WORDS.comment, EXIF_WORDS.gps, EXIF_WORDS.xmp]) expect(out.bytes.includes(word)).toBe(false);
  });

  it('leaves other formats (a voice note) as they are', () => {
    const aac = sampleAac();
    expect(mediaFormat(aac)).toBe('other');
    expect(stripMetadata(aac)).toEqual({ bytes: aac, format: 'other', removed: 0 });
  });

  it('refuses a JPEG or PNG cut off inside a segment or chunk', () => {
    expect(() => stripMetadata(sampleJpeg().subarray(0, 30))).toThrow(MalformedMediaError);
    expect(() => stripMetadata(samplePng().file.subarray(0, 40))).toThrow(MalformedMediaError);
  });
});

describe('SealedBox bytes', () => {
  const box = new SealedBox([Buffer.alloc(32, 3)]);

  it('seals a file so that nothing of it shows, and opens it only with the same associated data', () => {
    const file = sampleJpeg();
    const sealed = box.sealBytes(file, 'evidence:abc');
    expect(sealed.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(sealed.includes(EXIF_WORDS.make)).toBe(false);
    expect(box.openBytes(sealed, 'evidence:abc').equals(file)).toBe(true);
    expect(() => box.openBytes(sealed, 'evidence:other')).toThrow();
    // Opens with an older key still loaded after rotation.
    expect(new SealedBox([Buffer.alloc(32, 4), Buffer.alloc(32, 3)]).openBytes(sealed, 'evidence:abc').equals(file)).toBe(true);
  });
});

/** A box of an ISO base media file: 4-byte size, 4-byte type, payload. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

const VIDEO_WORDS = {
  location: '+10.7769+106.7009/',
  make: 'Apple',
  model: 'iPhone 15 Pro',
  software: 'Camera 17.4',
  xmp: 'x:xmpmeta GPSLatitude 10,46.61N',
};

/**
 * A phone's MP4 as iPhones and Android phones write it: ftyp, moov (mvhd, a trak with its own
 * udta, moov's udta with the ©xyz location and maker strings, a meta box with keys), a uuid box
 * with XMP, then mdat; stco points at the frames in mdat by absolute offset.
 */
function samplePhoneMp4(brand = 'isom'): { file: Buffer; frames: Buffer } {
  const frames = Buffer.from('FRAME-DATA-0123456789-FRAME-DATA');
  const ftyp = box('ftyp', Buffer.from(`${brand}\u0000\u0000\u0002\u0000isomiso2mp41`, 'latin1'));
  const text = (type: string, words: string) => box(type, Buffer.from([0, words.length, 0x15, 0xc7]), Buffer.from(words, 'latin1'));
  const udta = box(
    'udta',
    text('\u00a9xyz', VIDEO_WORDS.location),
    text('\u00a9mak', VIDEO_WORDS.make),
    text('\u00a9mod', VIDEO_WORDS.model),
  );
  const meta = box(
    'meta',
    Buffer.alloc(4),
    box('hdlr', Buffer.alloc(8), Buffer.from('mdta'), Buffer.alloc(12)),
    box('keys', Buffer.from('com.apple.quicktime.software', 'latin1')),
    box('ilst', Buffer.from(VIDEO_WORDS.software, 'latin1')),
  );
  const uuid = box('uuid', Buffer.from('be7acfcb97a942e89c71999491e3afac', 'hex'), Buffer.from(VIDEO_WORDS.xmp, 'latin1'));
  const trackUdta = box('udta', text('\u00a9swr', VIDEO_WORDS.software));
  const build = (mdatAt: number) => {
    const stco = box('stco', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from(uint32(mdatAt + 8)));
    const trak = box('trak', box('tkhd', Buffer.alloc(84)), box('mdia', box('minf', box('stbl', stco))), trackUdta);
    const moov = box('moov', box('mvhd', Buffer.alloc(100)), trak, udta, meta);
    return Buffer.concat([ftyp, moov, uuid]);
  };
  const head = build(0);
  return { file: Buffer.concat([build(head.length), box('mdat', frames)]), frames };
}

const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};

/** The types of the boxes between `start` and `end` (the top level by default). */
function boxTypes(file: Buffer, start = 0, end = file.length): string[] {
  const types: string[] = [];
  for (let pos = start; pos < end;) {
    types.push(file.subarray(pos + 4, pos + 8).toString('latin1'));
    const size = file.readUInt32BE(pos);
    pos += size === 1 ? Number(file.readBigUInt64BE(pos + 8)) : size;
  }
  return types;
}

describe('stripMetadata of a video (MP4, MOV, 3GP)', () => {
  it('blanks udta, meta, uuid (XMP) and the ©xyz location in place, keeping the length, ftyp, moov, mdat and the frames’ offsets', () => {
    const { file, frames } = samplePhoneMp4();
    for (const word of Object.values(VIDEO_WORDS)) expect(file.includes(word)).toBe(true);
    const { bytes, format, removed } = stripMetadata(file);
    expect(format).toBe('isobmff');
    expect(bytes).toHaveLength(file.length);
    expect(removed).toBeGreaterThan(0);
    for (const word of Object.values(VIDEO_WORDS)) expect(bytes.includes(word)).toBe(false);
    expect(bytes.includes('\u00a9xyz', 0, 'latin1')).toBe(false);
    expect(boxTypes(bytes)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
    const moovAt = file.readUInt32BE(0);
    expect(boxTypes(bytes, moovAt + 8, moovAt + bytes.readUInt32BE(moovAt))).toEqual(['mvhd', 'trak', 'free', 'free']);
    // The chunk offset still points at the frames, which are byte for byte as they were.
    const stco = bytes.indexOf('stco', 0, 'latin1');
    const frameAt = bytes.readUInt32BE(stco + 12);
    expect(bytes.subarray(frameAt, frameAt + frames.length).equals(frames)).toBe(true);
    // Everything but the blanked boxes' payloads is unchanged, and blanked means zeros.
    let changed = 0;
    for (let i = 0; i < file.length; i++) if (file[i] !== bytes[i]) changed++;
    expect(changed).toBeLessThanOrEqual(removed + 4 * 5);
    // The input is left as it was; stripping twice changes nothing more.
    expect(file.includes(VIDEO_WORDS.location)).toBe(true);
    expect(stripMetadata(bytes).bytes.equals(bytes)).toBe(true);
  });

  it('treats MOV and 3GP alike, and a 64-bit box size too', () => {
    for (const brand of ['qt  ', '3gp4']) {
      const { bytes } = stripMetadata(samplePhoneMp4(brand).file);
      for (const word of Object.values(VIDEO_WORDS)) expect(bytes.includes(word)).toBe(false);
    }
    // A top-level uuid box written with a 64-bit size (size field 1).
    const { file } = samplePhoneMp4();
    const xmp = Buffer.from(VIDEO_WORDS.xmp, 'latin1');
    const large = Buffer.concat([uint32(1), Buffer.from('uuid'), Buffer.alloc(4), uint32(16 + xmp.length), xmp]);
    const out = stripMetadata(Buffer.concat([file, large])).bytes;
    expect(out).toHaveLength(file.length + large.length);
    expect(out.includes(xmp)).toBe(false);
    expect(boxTypes(out)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
  });

  it('refuses a video whose box runs past the end', () => {
    const { file } = samplePhoneMp4();
    expect(() => stripMetadata(file.subarray(0, file.length - 5))).toThrow(MalformedMediaError);
  });
});
