/** Text that input may carry: what every stored, mailed and queued string must be free of. */

/**
 * Why a text cannot be kept, or null: control characters other than tab and line
 * breaks (a NUL truncates the text in C tools, mail headers and logs), Unicode noncharacters
 * (U+FFFE, U+FFFF, U+FDD0-U+FDEF: not for interchange, and SQS refuses U+FFFE/U+FFFF) and lone
 * surrogates (not text at all: they cannot be written as UTF-8).
 */
export function textProblem(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return 'must not contain a lone surrogate (not text: it cannot be written as UTF-8)';
      }
      i++;
      continue;
    }
    const control = (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f);
    if (control)
      return `must not contain the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    if (c === 0xfffe || c === 0xffff || (c >= 0xfdd0 && c <= 0xfdef)) {
      return `must not contain the noncharacter U+${c.toString(16).toUpperCase()}`;
    }
  }
  return null;
}

/** Every string of a value with its path (iterative: a document is never deep, but input may be). */
export function stringsOf(value: unknown): { path: (string | number)[]; text: string }[] {
  const out: { path: (string | number)[]; text: string }[] = [];
  const stack: { path: (string | number)[]; value: unknown }[] = [{ path: [], value }];
  while (stack.length > 0) {
    const { path, value: v } = stack.pop()!;
    if (typeof v === 'string') out.push({ path, text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => void stack.push({ path: [...path, i], value: x }));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push({ path: [...path, k], value: x });
    }
  }
  return out;
}
