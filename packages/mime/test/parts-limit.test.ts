import { describe, expect, it } from 'vitest';
import { parseMail } from '../src/parse.ts';

/** A message of `parts` tiny parts: a few bytes each, so size limits never see it coming. */
function manyParts(parts: number): Uint8Array {
  const body = Array.from(
    { length: parts },
    (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`,
  ).join('');
  return new TextEncoder().encode(
    `From: a@x.example\r\nTo: support@acme.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${body}--b--\r\n`,
  );
}

describe('the MIME parts limit', () => {
  it('refuses a message with more parts than the limit, naming it, before walking them', async () => {
    const raw = manyParts(20_000);
    expect(raw.length).toBeLessThan(1024 * 1024);
    const result = await parseMail(raw);
    expect(result).toEqual({
      ok: false,
      reason: 'unparseable message: the message has more than 500 MIME parts',
    });
  });

  it('reads a message just under it, and takes a lower limit when given one', async () => {
    const under = await parseMail(manyParts(400));
    expect(under.ok).toBe(true);
    expect((await parseMail(manyParts(20), { maxParts: 10 })).ok).toBe(false);
  });
});
