/**
 * The encoders ./compose.ts builds a message from: quoted-printable and base64 bodies (RFC 2045),
 * encoded words (RFC 2047), parameter values (RFC 2231) and header folding (RFC 5322). Small on
 * purpose: each covers what the system sends (UTF-8 only), so Lambdas that deliver mail carry a few
 * KB instead of nodemailer's composer (URL fetching, DNS, proxies, a mime-type table).
 */

const CRLF = '\r\n';
/** RFC 5322 §2.1.1: a line SHOULD be at most 78 characters, excluding the CRLF. */
export const HEADER_LINE = 78;
/** RFC 2045 §6.7 and §6.8: encoded lines are at most 76 characters. */
const BODY_LINE = 76;
/**
 * UTF-8 bytes per encoded word: 36 bytes are 48 base64 characters, a 60-character word, so a word
 * fits a folded line (RFC 2047 §2 allows 75) and the first one fits beside `Subject: `.
 */
const WORD_BYTES = 36;
/** Characters of a percent-encoded parameter value per RFC 2231 continuation line. */
const PARAM_CHUNK = 48;

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';
const hexEscape = (byte: number, prefix = '=') => `${prefix}${HEX[byte >> 4]}${HEX[byte & 15]}`;

/** Text with its line breaks (CRLF, LF or a lone CR) as CRLF, the canonical form of text/* (RFC 2046 §4.1.1). */
export const canonicalLineBreaks = (text: string): string => text.replace(/\r\n|\r|\n/g, CRLF);

/** Base64 in lines of 76 characters, each ended by CRLF. */
export function base64Lines(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += BODY_LINE) out += b64.slice(i, i + BODY_LINE) + CRLF;
  return out;
}

/**
 * Quoted-printable of text already in canonical form (CRLF line breaks stay literal line breaks).
 * Beyond what RFC 2045 requires, a line's leading `.` and the `F` of a leading `From ` are encoded,
 * so no transport's dot-stuffing or mbox quoting can change the decoded text. `softEnd` ends the
 * output with a soft line break: the CRLF that ends a message whose whole body this is then adds
 * no line break to the text (in a multipart, the CRLF before a delimiter belongs to the delimiter).
 */
export function quotedPrintable(text: string, { softEnd = false } = {}): string {
  const lines = text.split(CRLF);
  const last = lines.length - 1;
  const encoded = lines.map((l, i) => qpLine(l, softEnd && i === last ? BODY_LINE - 1 : BODY_LINE));
  return `${encoded.join(CRLF)}${softEnd ? '=' : ''}${CRLF}`;
}

function qpLine(line: string, lastLimit: number): string {
  const bytes = utf8.encode(line);
  const tokens: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const last = i === bytes.length - 1;
    const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last); // trailing blanks are encoded
    tokens.push(literal ? String.fromCharCode(b) : hexEscape(b));
  }
  // Soft breaks: each physical line at most 76 characters including the `=` that ends it, and an
  // `=XX` triple never split. A physical line never starts with a literal `.` or `From `.
  let out = '';
  let current = '';
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i]!;
    const limit = i === tokens.length - 1 ? lastLimit : BODY_LINE - 1;
    if (current.length + token.length > limit) {
      out += `${current}=${CRLF}`;
      current = '';
    }
    if (current === '' && (token === '.' || (token === 'F' && tokens.slice(i, i + 5).join('') === 'From ')))
      token = hexEscape(token.charCodeAt(0));
    current += token;
  }
  return out + current;
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, never inside a code point. */
function utf8Chunks(text: string, maxBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let piece = '';
  let size = 0;
  for (const ch of text) {
    const n = utf8.encode(ch).length;
    if (size + n > maxBytes && piece) {
      chunks.push(utf8.encode(piece));
      piece = '';
      size = 0;
    }
    piece += ch;
    size += n;
  }
  if (piece || chunks.length === 0) chunks.push(utf8.encode(piece));
  return chunks;
}

/** RFC 2047 B-encoded words for `text`, each whole code points and at most 60 characters. */
export function encodedWords(text: string): string[] {
  return utf8Chunks(text, WORD_BYTES).map((c) => `=?UTF-8?B?${Buffer.from(c).toString('base64')}?=`);
}

/** Printable ASCII only (no controls, no DEL). */
const printableAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/**
 * The words of an unstructured header value (Subject): its own words where they can go as they
 * are (printable ASCII, no encoded-word opener, short enough to fold), and the span from the first
 * word that cannot to the last one as encoded words, so `Re: [ACME-42] …` stays readable in the
 * raw message (as mail clients and nodemailer write it). Whitespace inside encoded words is kept
 * exactly; the blanks between two encoded words are not part of the value, the blank between a
 * plain word and an encoded one is (RFC 2047 §6.2), so the decoded value is the original.
 */
export function unstructuredWords(value: string): string[] {
  if (value === '') return [];
  const words = value.split(' ');
  const plain = (w: string) => w.length > 0 && w.length <= 60 && printableAscii(w) && !w.includes('=?');
  let first = 0;
  while (first < words.length && plain(words[first]!)) first++;
  if (first === words.length) return words;
  let last = words.length - 1;
  while (plain(words[last]!)) last--;
  return [
    ...words.slice(0, first),
    ...encodedWords(words.slice(first, last + 1).join(' ')),
    ...words.slice(last + 1),
  ];
}

/** RFC 5322 atext plus the space between words: a display name that needs no quoting. */
const PHRASE_ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/** A display name as words: atoms as they are, a quoted string for other ASCII, encoded words otherwise. */
export function phraseWords(name: string): string[] {
  if (PHRASE_ATOMS.test(name) && !name.includes('=?') && name.length <= 60) return name.split(' ');
  if (printableAscii(name) && !name.includes('=?') && name.length <= 60)
    return [`"${name.replace(/(["\\])/g, '\\$1')}"`];
  return encodedWords(name);
}

/**
 * A header field folded at the blanks between `tokens` so each line stays within 78 characters
 * when the tokens allow it (a single token longer than a line is kept whole), ended by CRLF.
 * `separator` goes after every token but the last (`;` between parameters, `,` between addresses).
 */
export function foldHeader(name: string, tokens: readonly string[], separator = ''): string {
  let out = '';
  let line = `${name}:`;
  tokens.forEach((raw, i) => {
    const token = i < tokens.length - 1 ? raw + separator : raw;
    if (line.length + 1 + token.length > HEADER_LINE && line !== `${name}:`) {
      out += line + CRLF;
      line = '';
    }
    line += ` ${token}`;
  });
  return out + line + CRLF;
}

/** RFC 2045 token characters (a parameter value that needs no quoting). */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/**
 * A parameter as header tokens: `key=value` (quoted if needed) when printable ASCII and short,
 * otherwise RFC 2231 percent-encoded UTF-8 in numbered continuations (`key*0*=utf-8''...`),
 * each at most 48 encoded characters and never splitting a code point.
 */
export function parameterTokens(key: string, value: string): string[] {
  if (printableAscii(value) && value.length <= 60)
    return [TOKEN.test(value) ? `${key}=${value}` : `${key}="${value.replace(/(["\\])/g, '\\$1')}"`];
  const pieces: string[] = [];
  let piece = '';
  for (const ch of value) {
    const encoded = [...utf8.encode(ch)]
      .map((b) =>
        /[A-Za-z0-9\-._~!$&+^`|]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : hexEscape(b, '%'),
      )
      .join('');
    if (piece.length + encoded.length > PARAM_CHUNK && piece) {
      pieces.push(piece);
      piece = '';
    }
    piece += encoded;
  }
  pieces.push(piece);
  return pieces.map((p, i) => `${key}*${i}*=${i === 0 ? "utf-8''" : ''}${p}`);
}
