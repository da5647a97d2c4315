/**
 * Strips what a photo says about its author beyond the picture (issue 14, point 3): a phone's JPEG
 * carries the GPS position, the time, the phone's make and serial in EXIF (APP1), XMP (APP1 too),
 * maker notes and thumbnails (APP2…APP15) and comments (COM); a PNG carries text and EXIF chunks.
 * The picture itself is left byte for byte: no re-encoding, so nothing the officer sees changes.
 *
 * A video (MP4, MOV, 3GP: ISO base media files) carries the place it was filmed (`©xyz`, or a
 * location in a `meta` box), the phone's make and model and the software in `udta` and `meta`
 * boxes, and XMP in a `uuid` (or `XMP_`) box. Those boxes are blanked in place (see stripIsoBmff),
 * so the file keeps its length and every chunk offset still points at the same frames.
 *
 * Other formats (AAC voice notes, WebP) are kept as they came: say so where it matters
 * (docs/privacy.md), rather than half-parse a container.
 */

export type MediaFormat = 'jpeg' | 'png' | 'isobmff' | 'other';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG chunks that hold words, EXIF or the time of the last edit, not pixels. */
const PNG_TEXT_CHUNKS = new Set(['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME']);

export function mediaFormat(bytes: Uint8Array): MediaFormat {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp') return 'isobmff';
  return 'other';
}

export class MalformedMediaError extends Error {
  override readonly name = 'MalformedMediaError';
}

/**
 * The bytes without metadata (JPEG, PNG, ISO base media); other formats as they are. `removed`
 * counts the bytes dropped (JPEG, PNG) or blanked (a video, whose length stays the same). Throws
 * MalformedMediaError on a broken file of a format it rewrites.
 */
export function stripMetadata(bytes: Buffer): { bytes: Buffer; format: MediaFormat; removed: number } {
  const format = mediaFormat(bytes);
  if (format === 'isobmff') {
    const { bytes: blanked, blankedBytes } = stripIsoBmff(bytes);
    return { bytes: blanked, format, removed: blankedBytes };
  }
  const stripped = format === 'jpeg' ? stripJpeg(bytes) : format === 'png' ? stripPng(bytes) : bytes;
  return { bytes: stripped, format, removed: bytes.length - stripped.length };
}

/**
 * JPEG: a run of segments (FF marker, 2-byte length including itself) up to SOS, then the
 * entropy-coded picture to the end. Kept: APP0 when it is JFIF (some decoders want it), every
 * non-APP segment (tables, frame header). Dropped: APP1…APP15, APP0 that is not JFIF, COM.
 */
function stripJpeg(bytes: Buffer): Buffer {
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let pos = 2;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) throw new MalformedMediaError('JPEG: expected a marker');
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn. EOI ends the file.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(bytes.subarray(pos, pos + 2));
      pos += 2;
      continue;
    }
    if (marker === 0xd9) {
      kept.push(bytes.subarray(pos));
      break;
    }
    if (pos + 4 > bytes.length) throw new MalformedMediaError('JPEG: cut off in a segment header');
    const length = bytes.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) throw new MalformedMediaError('JPEG: segment runs past the end');
    if (marker === 0xda) {
      // Start of scan: the rest is the picture (and any further scans of a progressive JPEG, which
      // carry no APPn of their own in practice); kept as it is.
      kept.push(bytes.subarray(pos));
      break;
    }
    const isApp = marker >= 0xe0 && marker <= 0xef;
    const isJfif = marker === 0xe0 && bytes.subarray(pos + 4, pos + 9).toString('latin1') === 'JFIF\u0000';
    if (!(isApp && !isJfif) && marker !== 0xfe) kept.push(bytes.subarray(pos, end));
    pos = end;
  }
  return Buffer.concat(kept);
}

/** PNG: signature, then chunks (4-byte length, 4-byte type, data, 4-byte CRC) to IEND. */
function stripPng(bytes: Buffer): Buffer {
  const kept: Buffer[] = [bytes.subarray(0, 8)];
  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new MalformedMediaError('PNG: cut off in a chunk');
    const length = bytes.readUInt32BE(pos);
    const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
    const end = pos + 12 + length;
    if (end > bytes.length) throw new MalformedMediaError('PNG: chunk runs past the end');
    if (!PNG_TEXT_CHUNKS.has(type)) kept.push(bytes.subarray(pos, end));
    pos = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(kept);
}

/**
 * Boxes that hold words about the film, never frames: user data (make, model, software, `©xyz`
 * location, date), `meta` (iTunes-style tags, Apple's location and device keys), `uuid` (XMP and
 * makers' own boxes: frames are never in one), `XMP_`, and a bare `©xyz` wherever it is found.
 */
const ISO_METADATA_BOXES = new Set(['udta', 'meta', 'uuid', 'XMP_', '\u00a9xyz']);
/** Boxes holding other boxes that may hold metadata; descended into. `mdat` (the frames) never is. */
const ISO_CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'moof', 'traf', 'mvex']);

/**
 * ISO base media (MP4, MOV, 3GP): a run of boxes (4-byte size, 4-byte type; size 1 means a 64-bit
 * size follows, 0 means "to the end"). Metadata boxes are renamed `free` and their payload zeroed
 * rather than cut out: `stco`/`co64` hold absolute file offsets of the frames in `mdat`, so a
 * shorter `moov` before `mdat` would break every one of them, while a `free` box is skipped by
 * every player. A copy is returned; the input is not changed.
 */
function stripIsoBmff(input: Buffer): { bytes: Buffer; blankedBytes: number } {
  const bytes = Buffer.from(input);
  let blankedBytes = 0;
  const walk = (start: number, end: number): void => {
    let pos = start;
    while (pos < end) {
      if (pos + 8 > end) throw new MalformedMediaError('ISO BMFF: cut off in a box header');
      let size = bytes.readUInt32BE(pos);
      const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
      let header = 8;
      if (size === 1) {
        if (pos + 16 > end) throw new MalformedMediaError('ISO BMFF: cut off in a large size');
        const large = bytes.readBigUInt64BE(pos + 8);
        if (large > BigInt(end - pos)) throw new MalformedMediaError('ISO BMFF: box runs past the end');
        size = Number(large);
        header = 16;
      } else if (size === 0) {
        size = end - pos;
      }
      if (size < header || pos + size > end) throw new MalformedMediaError('ISO BMFF: box runs past the end');
      if (ISO_METADATA_BOXES.has(type)) {
        bytes.write('free', pos + 4, 'latin1');
        bytes.fill(0, pos + header, pos + size);
        blankedBytes += size - header;
      } else if (ISO_CONTAINERS.has(type)) {
        walk(pos + header, pos + size);
      }
      pos += size;
    }
  };
  walk(0, bytes.length);
  return { bytes, blankedBytes };
}
