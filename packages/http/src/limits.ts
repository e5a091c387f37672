import { PayloadTooLargeError, PsaError, ValidationError } from '@psa/model/errors';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Request limits every service's API applies in process, so they hold the same behind API Gateway
 * and in the local server (whose Node HTTP server would otherwise take what AWS refuses).
 *
 * - Headers: an HTTP API takes at most 10,240 bytes of request line and header values
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
 * - Body: the HTTP API takes 10 MB, but a synchronous Lambda invocation at most 6 MB of event
 *   (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), in which the body
 *   rides escaped beside headers and context; each route declares its own, far below that.
 * - JSON nesting: no document of this API nests deeper than a handful of levels; a body nested
 *   deeper than {@link MAX_JSON_DEPTH} is refused before anything parses or walks it recursively.
 */

/** What the HTTP API accepts as request line plus header values. */
export const MAX_HEADER_BYTES = 10_240;
/** Objects and arrays a request body may nest. */
export const MAX_JSON_DEPTH = 32;

export class HeaderFieldsTooLargeError extends PsaError {
  override readonly status = 431;
  override readonly code = 'header_fields_too_large';
}

/** 431 when the request line and header values exceed what API Gateway would take. */
export function headerLimit(maxBytes = MAX_HEADER_BYTES): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let size = Buffer.byteLength(`${c.req.method} ${url.pathname}${url.search} HTTP/1.1`);
    c.req.raw.headers.forEach((value, name) => {
      size += Buffer.byteLength(name) + Buffer.byteLength(value);
    });
    if (size > maxBytes) {
      throw new HeaderFieldsTooLargeError(
        `request line and headers may be at most ${maxBytes} bytes; this request has ${size}`,
      );
    }
    await next();
  };
}

/** A route's body limit, and what its 413 says (by default: the limit in bytes). */
export interface BodyLimit {
  maxBytes: number;
  message?: string;
}

/** 413, naming the limit, when a body is larger than the path's limit (checked as it streams in). */
export function requestBodyLimit(limitOf: (path: string) => BodyLimit): MiddlewareHandler {
  return async (c, next) => {
    const limit = limitOf(c.req.path);
    return bodyLimit({
      maxSize: limit.maxBytes,
      onError: () => {
        throw new PayloadTooLargeError(
          limit.message ?? `the request body may be at most ${limit.maxBytes} bytes on this route`,
        );
      },
    })(c, next);
  };
}

/**
 * How deeply the JSON text nests objects and arrays, counted without parsing (so without
 * recursion): brackets inside strings do not count. Stops counting once past `stopAt`.
 */
export function jsonNesting(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

/** How deeply a parsed value nests objects and arrays (iterative; stops once past `stopAt`). */
export function valueNesting(value: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > stopAt) return max;
    }
    for (const child of Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

/** A 400 at `path` when a value or JSON text nests deeper than `maxDepth`. */
export function tooDeep(path: string, maxDepth = MAX_JSON_DEPTH): ValidationError {
  return new ValidationError(`${path} nests objects and arrays deeper than ${maxDepth} levels`, [
    { path, message: `nested deeper than ${maxDepth} levels` },
  ]);
}

const isJson = (contentType: string | undefined) =>
  /^application\/([a-z0-9.-]+\+)?json\b/i.test((contentType ?? '').trim());

/** 400 when a JSON body nests deeper than `maxDepth`, before any validator parses it. */
export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.raw.body && isJson(c.req.header('content-type'))) {
      // Hono keeps the text it read, so the route's own validator parses the same body again.
      const text = await c.req.text();
      if (jsonNesting(text, maxDepth) > maxDepth) throw tooDeep('body', maxDepth);
    }
    await next();
  };
}
