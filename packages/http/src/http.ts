import type { Logger } from '@aws-lambda-powertools/logger';
import { OpenAPIHono } from '@hono/zod-openapi';
import { annotateCorrelation, withCorrelation } from '@psa/model/correlation';
import { PsaError, TooManyRequestsError, ValidationError } from '@psa/model/errors';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod';
import { type Authenticator, assertTenant, type Principal } from './auth.ts';
import { type BodyLimit, headerLimit, jsonDepthLimit, requestBodyLimit } from './limits.ts';

export type ApiEnv = {
  Variables: { principal: Principal; requestId: string };
  Bindings: { event?: { requestContext?: unknown } };
};

/** Hono's validator says this, and only this, when a JSON body does not parse. */
const MALFORMED_JSON = 'Malformed JSON in request body';

/**
 * API Gateway's id of the request (`$context.requestId` in the access log), from the Lambda
 * event's requestContext (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
function apiGatewayRequestId(requestContext: unknown): string | undefined {
  if (typeof requestContext !== 'object' || requestContext === null) return undefined;
  const id = (requestContext as { requestId?: unknown }).requestId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function issuesOf(
  target: string,
  error: { issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[] },
) {
  const root = target === 'json' ? 'body' : target;
  // An unknown field is named by its own path, like any other problem.
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys?.length
      ? i.keys.map((k) => ({ path: [root, ...i.path.map(String), k].join('.'), message: 'unknown field' }))
      : [{ path: [root, ...i.path.map(String)].join('.'), message: i.message }],
  );
}

/** A request body's size limit when a service names none for the route (see ./limits.ts). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function validationErrorOf(target: string, error: Parameters<typeof issuesOf>[1]): ValidationError {
  const issues = issuesOf(target, error);
  return new ValidationError(
    `invalid request: ${issues.map((i) => `${i.path} (${i.message})`).join('; ')}`,
    issues,
  );
}

/**
 * A service's HTTP app: validation errors answer 400 naming each field, every route requires a
 * verified bearer token, and one `onError` maps the error hierarchy to status codes. Unknown
 * errors are logged with their stack and answered with a generic 500 and the request id.
 *
 * Each request runs in a correlation scope named by its request id (@psa/model/correlation), with
 * the path's tenant and ticket, and ends with one `request handled` log line.
 *
 * Before any route reads its input: headers over API Gateway's size answer 431, a token of
 * another tenant than the path's answers 404 (whatever the body holds: a caller learns nothing
 * about another tenant from a 400), a body over the route's limit 413, and a JSON body nested
 * deeper than 32 levels 400. `bodyLimit` gives a route's limit by request path.
 */
export function createApiApp(opts: {
  authenticate: Authenticator;
  logger: Logger;
  bodyLimit?: (path: string) => BodyLimit;
}): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, _c) => {
      if (!result.success) throw validationErrorOf(result.target, result.error);
      return undefined;
    },
  });

  app.use('*', async (c, next) => {
    // The id a 500 answers with must find the request in the access log; locally, a fresh one.
    const requestId = apiGatewayRequestId(c.env?.event?.requestContext) ?? crypto.randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    // The request's correlation scope: its id follows the request into every event it causes, and
    // every log line written for it carries it (with the tenant and ticket, once known).
    const started = performance.now();
    await withCorrelation({ correlationId: requestId, requestId }, async () => {
      await next();
      opts.logger.info('request handled', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
  app.use('*', headerLimit());

  app.use('/v1/*', async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    c.set('principal', await opts.authenticate(bearer, c.env?.event?.requestContext));
    await next();
  });
  app.use('/v1/tenants/:tenantId/*', async (c, next) => {
    assertTenant(c.get('principal'), c.req.param('tenantId'));
    annotateCorrelation({ tenantId: c.req.param('tenantId') });
    await next();
  });
  const aboutTicket = createMiddleware<ApiEnv>(async (c, next) => {
    annotateCorrelation({ ticketId: c.req.param('ticketId') });
    await next();
  });
  app.use('/v1/tenants/:tenantId/tickets/:ticketId', aboutTicket);
  app.use('/v1/tenants/:tenantId/tickets/:ticketId/*', aboutTicket);
  app.use('/v1/*', requestBodyLimit(opts.bodyLimit ?? (() => ({ maxBytes: DEFAULT_MAX_BODY_BYTES }))));
  app.use('/v1/*', jsonDepthLimit());

  app.onError((err, c) => errorResponse(err, c, opts.logger));
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  return app;
}

export function errorResponse(err: Error, c: Context<ApiEnv>, logger: Logger): Response {
  const requestId = c.get('requestId');
  if (err instanceof PsaError) {
    const body = {
      error: {
        code: err.code,
        message: err.message,
        ...(err instanceof ValidationError && err.issues.length ? { issues: err.issues } : {}),
        requestId,
      },
    };
    if (err.status >= 500) logger.error('request failed', { requestId, error: err });
    if (err instanceof TooManyRequestsError) c.header('retry-after', String(err.retryAfterSeconds));
    return c.json(body, err.status as ContentfulStatusCode);
  }
  // A schema parse a use case ran itself: the input's problem, named like the validator's. Logged,
  // since a parse of stored data failing would be ours. (`z.ZodError`, what zod's schemas throw:
  // reading `z.core` would carry all of zod's core, every locale included, into each API bundle.)
  if (err instanceof z.ZodError) {
    logger.warn('schema parse failed inside a use case', { requestId, error: err });
    return errorResponse(validationErrorOf('input', err), c, logger);
  }
  // Hono's validator rejects a body that is not JSON with a 400 HTTPException before validation.
  // Any other SyntaxError is a bug in our code: a 500 below, never blamed on the request.
  if (err instanceof HTTPException && err.status === 400 && err.message === MALFORMED_JSON) {
    return c.json(
      {
        error: {
          code: 'validation_error',
          message: 'body is not valid JSON',
          issues: [{ path: 'body', message: err.message }],
          requestId,
        },
      },
      400,
    );
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: 'bad_request', message: err.message, requestId } }, err.status);
  }
  logger.error('unhandled error', { requestId, error: err });
  return c.json({ error: { code: 'internal_error', message: 'internal error', requestId } }, 500);
}
