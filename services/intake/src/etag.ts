import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/**
 * The minutes a running SLA clock has used and has left change every few seconds without anything
 * happening to the ticket; they are left out of the tag, so a poll is answered 304 until the
 * ticket, its conversation or a clock's state changes. The console counts down to `dueAt` itself.
 */
const MOVING = new Set(['elapsedBusinessMinutes', 'remainingBusinessMinutes']);

/** A weak ETag of a JSON body's state. */
export function etagOf(body: unknown): string {
  const json = JSON.stringify(body, (key, value) => (MOVING.has(key) ? undefined : value));
  return `W/"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

const matches = (header: string | undefined, tag: string) =>
  (header ?? '').split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || `W/${v}` === tag;
  });

/**
 * Answers a read with its ETag, or 304 when `If-None-Match` names it (RFC 9110 §13.1.2: weak
 * comparison). `no-cache` makes any cache ask again each time; `private`: a token-scoped view.
 */
export function conditionalJson(c: Context, body: unknown): Response {
  const tag = etagOf(body);
  c.header('etag', tag);
  c.header('cache-control', 'private, no-cache');
  c.header('vary', 'authorization');
  if (matches(c.req.header('if-none-match'), tag)) return c.body(null, 304);
  return c.json(body as object, 200);
}
