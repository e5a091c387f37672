/** uuencoded files inside plain text (old mail clients and scripts still send them). */

export type UuFile = { filename: string; content: Buffer };

function decodeUuLines(lines: string[]): Buffer | null {
  const out: number[] = [];
  for (const line of lines) {
    if (line === '' || line === '`') continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (n === 0) continue;
    const chars = line.slice(1);
    if (chars.length < Math.ceil(n / 3) * 4 - 2) return null;
    const bytes: number[] = [];
    for (let i = 0; i + 1 < chars.length && bytes.length < n; i += 4) {
      const c = [0, 1, 2, 3].map((k) => (chars.charCodeAt(i + k) - 32) & 63);
      const [a = 0, b = 0, c2 = 0, d = 0] = c;
      bytes.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (c2 >> 2)) & 255, ((c2 << 6) | d) & 255);
    }
    for (const b of bytes.slice(0, n)) out.push(b);
  }
  return Buffer.from(out);
}

/** Takes `begin 644 name … end` blocks out of plain text. */
export function extractUuencoded(text: string): { text: string; files: UuFile[] } {
  if (!/^begin [0-7]{3,4} /m.test(text)) return { text, files: [] };
  const files: UuFile[] = [];
  const re = /^begin ([0-7]{3,4}) ([^\n]+)\n((?:[\x20-\x60]*\n){1,}?)end[ \t]*$/gm;
  const rest = text.replace(re, (whole, _mode: string, name: string, body: string) => {
    const content = decodeUuLines(
      body.split('\n').map((l) => l.replace(/\s+$/, (s) => s.replace(/\S/g, ''))),
    );
    if (!content) return whole;
    files.push({ filename: name.trim(), content });
    return '';
  });
  return { text: rest, files };
}
