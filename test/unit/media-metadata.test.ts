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
