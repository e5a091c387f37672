/** Repairs of the raw bytes before mailparser sees them. */

/** Drops an mbox "From " line, a byte-order mark and blank lines before the headers. */
export function stripEnvelope(buf: Buffer): Buffer {
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  for (;;) {
    if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
    else if (buf[start] === 0x0a) start += 1;
    else break;
  }
  if (buf.subarray(start, start + 5).toString('latin1') === 'From ') {
    const nl = buf.indexOf(0x0a, start);
    start = nl < 0 ? buf.length : nl + 1;
  }
  return start > 0 ? buf.subarray(start) : buf;
}

/** `Content-Type: multipart/mixed\n\tboundary="x"` (no semicolon) in the top header: add the semicolon. */
export function repairTopHeader(buf: Buffer): Buffer {
  const end = (() => {
    const a = buf.indexOf('\r\n\r\n');
    const b = buf.indexOf('\n\n');
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  })();
  if (end < 0 || end > 1_000_000) return buf;
  const head = buf.subarray(0, end).toString('latin1');
  const fixed = head.replace(
    /^(content-type:[ \t]*multipart\/[\w.+-]+)([ \t]*(?:\r?\n)?[ \t]+)(boundary=)/im,
    '$1;$2$3',
  );
  if (fixed === head) return buf;
  return Buffer.concat([Buffer.from(fixed, 'latin1'), buf.subarray(end)]);
}
