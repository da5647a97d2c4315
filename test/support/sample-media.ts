/**
 * Small media files built byte by byte, shaped as phones write them, for the evidence store's
 * tests: a JPEG with JFIF, EXIF (a GPS position and the phone's make in words a test can look
 * for), XMP, an ICC profile, a comment, then the tables, frame and scan; a PNG with text, EXIF and
 * time chunks around its pixels. Not pictures anyone would look at, but every marker and chunk a
 * metadata stripper must walk is where a real file has it.
 */

/** Words in the samples' metadata that must not survive stripping. */
export const EXIF_WORDS = {
  make: 'SAMSUNG SM-A546E',
  gps: 'GPS 10.776900N 106.700900E',
  comment: 'nha so 12 Le Loi',
  xmp: 'adobe:ns:meta',
};

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** The parts of the sample JPEG that carry the picture, in order: what stripping must keep exactly. */
export function jpegPictureParts(seed = 1): { jfif: Buffer; tables: Buffer; scan: Buffer } {
  const jfif = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1 + (seed % 50))]));
  const sof = segment(0xc0, Buffer.from([8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
  const dht = segment(0xc4, Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0), Buffer.alloc(0)]));
  const sos = segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0]));
  // Entropy-coded data: FF bytes are stuffed (FF 00) and a restart marker sits in it, as in real scans.
  const data = Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, seed & 0x7f, 0xff, 0xd0, 0x78, 0x9a]);
  return { jfif, tables: Buffer.concat([dqt, sof, dht]), scan: Buffer.concat([sos, data, Buffer.from([0xff, 0xd9])]) };
}

/** A phone's JPEG: JFIF, EXIF with make and GPS, XMP, ICC (APP2), a comment, then the picture. */
export function sampleJpeg(seed = 1, padTo = 0): Buffer {
  const { jfif, tables, scan } = jpegPictureParts(seed);
  const exif = segment(
    0xe1,
    Buffer.concat([Buffer.from('Exif\u0000\u0000', 'latin1'), Buffer.from(`MM\u0000*${EXIF_WORDS.make}\u0000${EXIF_WORDS.gps}`)]),
  );
  const xmp = segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\u0000<x:xmpmeta xmlns:x="${EXIF_WORDS.xmp}"/>`, 'latin1'));
  const icc = segment(0xe2, Buffer.from('ICC_PROFILE\u0000\u0001\u0001profile', 'latin1'));
  const com = segment(0xfe, Buffer.from(EXIF_WORDS.comment));
  const file = Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, exif, xmp, icc, com, tables, scan]);
  // A bigger file for the size cap: the padding is more scan data before the end marker.
  if (padTo <= file.length) return file;
  const pad = Buffer.alloc(padTo - file.length, 0x5a);
  return Buffer.concat([file.subarray(0, file.length - 2), pad, file.subarray(file.length - 2)]);
}

/** The sample JPEG as stripping must leave it: the SOI, JFIF and the picture, byte for byte. */
export function strippedJpeg(seed = 1): Buffer {
  const { jfif, tables, scan } = jpegPictureParts(seed);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, tables, scan]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  // The CRC is not checked by the stripper; a fixed value keeps the sample simple.
  return Buffer.concat([head, data, Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG with tEXt, iTXt, zTXt, eXIf and tIME chunks around IHDR, IDAT and IEND. */
export function samplePng(): { file: Buffer; stripped: Buffer } {
  const ihdr = chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
  const idat = chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
  const iend = chunk('IEND', Buffer.alloc(0));
  const text = chunk('tEXt', Buffer.from(`Comment\u0000${EXIF_WORDS.comment}`, 'latin1'));
  const itxt = chunk('iTXt', Buffer.from(`XML:com.adobe.xmp\u0000\u0000\u0000\u0000\u0000${EXIF_WORDS.xmp}`, 'latin1'));
  const ztxt = chunk('zTXt', Buffer.from('Author\u0000\u0000x', 'latin1'));
  const exif = chunk('eXIf', Buffer.from(`MM\u0000*${EXIF_WORDS.gps}`, 'latin1'));
  const time = chunk('tIME', Buffer.from([0x07, 0xea, 12, 4, 19, 0, 0]));
  return {
    file: Buffer.concat([PNG_SIGNATURE, ihdr, text, exif, time, idat, itxt, ztxt, iend]),
    stripped: Buffer.concat([PNG_SIGNATURE, ihdr, idat, iend]),
  };
}

/** A voice note's bytes as Zalo serves them (.aac, ADTS frames): not rewritten by the store. */
export function sampleAac(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), Buffer.alloc(64, 0x21)]);
}
