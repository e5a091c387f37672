/**
 * Character set decoding for mail bodies and headers, more forgiving than a strict decoder:
 *
 * - UTF-8 (and unlabelled / US-ASCII text) that contains invalid bytes keeps every valid UTF-8
 *   sequence and reads each stray byte as Windows-1252, which is what such bytes almost always are
 *   (a Latin-1 mailer that forgot or mislabelled its charset);
 * - text labelled ISO-8859-1 / Windows-1252 / US-ASCII that is in fact valid UTF-8 with multi-byte
 *   sequences is read as UTF-8 (a common mislabelling);
 * - UTF-7 is decoded (RFC 2152). The decoded text is plain text, and HTML is sanitised after
 *   decoding, so the "UTF-7 smuggles markup past a filter" concern does not apply here;
 * - every other WHATWG encoding label (ISO-8859-x, Windows-125x, KOI8, ISO-2022-JP, Shift_JIS,
 *   EUC-JP, GBK/GB18030, Big5, EUC-KR, UTF-16, ...) goes through TextDecoder.
 *
 * `decodeBytes` returns null for a charset it does not know, so the caller can fall back to
 * another decoder.
 */

import { TextDecoder } from 'node:util';

const CP1252_HIGH: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

function cp1252Char(byte: number): string {
  if (byte >= 0x80 && byte <= 0x9f) return String.fromCharCode(CP1252_HIGH[byte - 0x80] ?? byte);
  return String.fromCharCode(byte);
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
/** Windows-1252 (what ISO-8859-1 labels mean in practice). Node's TextDecoder reads it as Latin-1. */
export function decodeCp1252(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 8192) {
    const chunk = b.subarray(i, i + 8192);
    const codes: number[] = new Array(chunk.length);
    for (let k = 0; k < chunk.length; k += 1) {
      const c = chunk[k] ?? 0;
      codes[k] = c >= 0x80 && c <= 0x9f ? (CP1252_HIGH[c - 0x80] ?? c) : c;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] ?? 0;
  if (c < 0x80) return 1;
  const cont = (k: number): boolean => {
    const x = b[i + k];
    return x !== undefined && (x & 0xc0) === 0x80;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = b[i + 1] ?? 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // surrogates
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = b[i + 1] ?? 0;
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 >= 0x90) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export function isValidUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceLength(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

function hasHighBytes(b: Uint8Array): boolean {
  for (const x of b) if (x >= 0x80) return true;
  return false;
}

const utf8 = new TextDecoder('utf-8');

/** UTF-8 where valid, Windows-1252 for every byte that is not part of a valid sequence. */
export function decodeUtf8Lenient(b: Uint8Array): string {
  if (isValidUtf8(b)) return utf8.decode(b);
  let out = '';
  let runStart = 0;
  let i = 0;
  while (i < b.length) {
    const n = utf8SequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) out += utf8.decode(b.subarray(runStart, i));
    out += cp1252Char(b[i] ?? 0);
    i += 1;
    runStart = i;
  }
  if (runStart < b.length) out += utf8.decode(b.subarray(runStart));
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map<string, number>([...B64].map((ch, i) => [ch, i]));

/** Decodes UTF-7 (RFC 2152) text; malformed shifted runs decode as far as they go. */
export function decodeUtf7(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch !== '+') {
      out += ch;
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < s.length && B64_INDEX.has(s[j] ?? '')) j += 1;
    if (j === i + 1) {
      // "+-" is a literal plus; a lone "+" is kept as is
      out += '+';
      i = s[j] === '-' ? j + 1 : j;
      continue;
    }
    let bits = 0;
    let nbits = 0;
    const units: number[] = [];
    for (let k = i + 1; k < j; k += 1) {
      bits = ((bits << 6) | (B64_INDEX.get(s[k] ?? '') ?? 0)) & 0xffffff;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        units.push((bits >> nbits) & 0xffff);
      }
    }
    for (let k = 0; k < units.length; k += 4096) {
      out += String.fromCharCode(...units.slice(k, k + 4096));
    }
    i = s[j] === '-' ? j + 1 : j;
  }
  return out;
}

const UTF7_LABELS = new Set(['utf7', 'unicode11utf7', 'csunicode11utf7', 'xunicode20utf7']);
/** Labels read as UTF-8 with a Windows-1252 fallback for stray bytes. */
const LENIENT_UTF8_LABELS = new Set([
  '',
  'utf8',
  'usascii',
  'ascii',
  'ansix3.41968',
  'iso646us',
  '7bit',
  '8bit',
  'unknown',
  'unknown8bit',
  'xunknown',
  'default',
  'none',
  'binary',
  'us',
  'utf8mb4',
]);
const LATIN1_LABELS = new Set(['iso88591', 'latin1', 'l1', 'windows1252', 'cp1252', 'xcp1252', 'iso885915']);

/** Aliases seen in real mail that TextDecoder does not know. */
const ALIASES: Record<string, string> = {
  cp932: 'shift_jis',
  mskanji: 'shift_jis',
  xsjis: 'shift_jis',
  sjis: 'shift_jis',
  windows31j: 'shift_jis',
  eucjp: 'euc-jp',
  xeucjp: 'euc-jp',
  iso2022jp: 'iso-2022-jp',
  iso2022jp2: 'iso-2022-jp',
  csiso2022jp: 'iso-2022-jp',
  ksc56011987: 'euc-kr',
  ksc5601: 'euc-kr',
  cp949: 'euc-kr',
  uhc: 'euc-kr',
  euckr: 'euc-kr',
  gb2312: 'gbk',
  cp936: 'gbk',
  gb18030: 'gb18030',
  big5hkscs: 'big5',
  cp950: 'big5',
  windows874: 'windows-874',
  tis620: 'windows-874',
  iso885911: 'windows-874',
  koi8r: 'koi8-r',
  koi8u: 'koi8-u',
  macroman: 'macintosh',
  xmacroman: 'macintosh',
  ucs2: 'utf-16le',
  utf16: 'utf-16le',
};

function squash(charset: string): string {
  return charset.toLowerCase().replace(/[^a-z0-9.]/g, '');
}

/** Normalises a charset label from a header: quotes, RFC 2231 language suffix and case removed. */
export function normaliseCharsetLabel(charset: string | null | undefined): string {
  return (charset ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '')
    .trim()
    .toLowerCase();
}

const decoderCache = new Map<string, TextDecoder | null>();

function textDecoderFor(label: string): TextDecoder | null {
  const cached = decoderCache.get(label);
  if (cached !== undefined) return cached;
  let decoder: TextDecoder | null = null;
  const core = /^[a-z0-9._:-]+/.exec(label)?.[0];
  for (const candidate of [label, ALIASES[squash(label)], core, core ? ALIASES[squash(core)] : undefined]) {
    if (!candidate) continue;
    try {
      decoder = new TextDecoder(candidate);
      break;
    } catch {
      // unknown label, try the next
    }
  }
  decoderCache.set(label, decoder);
  return decoder;
}

/** Whether `decodeBytes` knows the charset (otherwise it answers null). */
export function isKnownCharset(charset: string | null | undefined): boolean {
  const label = normaliseCharsetLabel(charset);
  const key = squash(label);
  return (
    UTF7_LABELS.has(key) || LENIENT_UTF8_LABELS.has(key) || LATIN1_LABELS.has(key) || !!textDecoderFor(label)
  );
}

/**
 * Decodes `bytes` declared as `charset`. Returns null when the charset is unknown.
 */
export function decodeBytes(bytes: Uint8Array, charset: string | null | undefined): string | null {
  const label = normaliseCharsetLabel(charset);
  const key = squash(label);
  if (UTF7_LABELS.has(key)) return decodeUtf7(Buffer.from(bytes).toString('latin1'));
  if (LENIENT_UTF8_LABELS.has(key)) return decodeUtf8Lenient(bytes);
  if (LATIN1_LABELS.has(key)) {
    if (hasHighBytes(bytes) && isValidUtf8(bytes)) return utf8.decode(bytes);
    return decodeCp1252(bytes);
  }
  const decoder = textDecoderFor(label);
  if (!decoder) return null;
  if (decoder.encoding === 'utf-8') return decodeUtf8Lenient(bytes);
  if (decoder.encoding === 'windows-1252') return decodeCp1252(bytes);
  return decoder.decode(bytes);
}

/** Like decodeBytes, but an unknown charset is read as lenient UTF-8. */
export function decodeBytesOrUtf8(bytes: Uint8Array, charset: string | null | undefined): string {
  return decodeBytes(bytes, charset) ?? decodeUtf8Lenient(bytes);
}

/** A "binary" string (one char per byte, as mail header lines are handed over) to bytes. */
export function binaryToBytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

function decodeQ(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5f) out.push(0x20);
    else if (ch === 0x3d && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(ch & 0xff);
  }
  return Uint8Array.from(out);
}

function decodeB(text: string): Uint8Array {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  return Buffer.from(clean, 'base64');
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;

/**
 * Decodes an unstructured header value given as a binary string (one char per byte): RFC 2047
 * encoded words (whitespace between adjacent encoded words dropped, adjacent words in the same
 * charset joined before decoding so a multi-byte character split across them survives), raw 8-bit
 * text as lenient UTF-8. Line folding is removed.
 */
export function decodeHeaderText(binary: string): string {
  const s = binary.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]+/g, ' ');
  let out = '';
  let last = 0;
  let pendingCharset: string | null = null;
  let pendingParts: Uint8Array[] = [];
  const flush = (): void => {
    if (pendingCharset === null) return;
    out += decodeBytesOrUtf8(Buffer.concat(pendingParts), pendingCharset);
    pendingCharset = null;
    pendingParts = [];
  };
  for (const m of s.matchAll(ENCODED_WORD)) {
    const index = m.index ?? 0;
    const between = s.slice(last, index);
    const charset = normaliseCharsetLabel(m[1]);
    const bytes = (m[2] ?? '').toUpperCase() === 'B' ? decodeB(m[3] ?? '') : decodeQ(m[3] ?? '');
    const adjacent = pendingCharset !== null && /^[ \t]*$/.test(between);
    if (adjacent && pendingCharset === charset) {
      pendingParts.push(bytes);
    } else {
      flush();
      if (!adjacent) out += decodeUtf8Lenient(binaryToBytes(between));
      pendingCharset = charset;
      pendingParts = [bytes];
    }
    last = index + m[0].length;
  }
  flush();
  out += decodeUtf8Lenient(binaryToBytes(s.slice(last)));
  return out;
}

/**
 * Replaces C0 control characters and DEL with `replacement`; tab, line feed and carriage return
 * are kept when `keepLineBreaks` is set.
 */
export function replaceControlChars(s: string, replacement: string, keepLineBreaks = false): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    const control = c < 0x20 || c === 0x7f;
    if (!control || (keepLineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d))) continue;
    out += s.slice(start, i) + replacement;
    start = i + 1;
  }
  return start === 0 ? s : out + s.slice(start);
}

/** A header value as readable text: encoded words decoded, whitespace folded, control chars removed. */
export function cleanHeaderText(binary: string): string {
  return replaceControlChars(decodeHeaderText(binary), ' ').replace(/\s+/g, ' ').trim();
}
