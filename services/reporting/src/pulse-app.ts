import type { Logger } from '@aws-lambda-powertools/logger';
import { pulseRoutes } from '@psa/contracts/http/reporting-routes';
import type { Authenticator } from '@psa/http/auth';
import { createApiApp } from '@psa/http/http';
import { answerPulse, answerPulseLink, type PulseDeps, readPulse, readPulseLink } from './domain/pulse.ts';

export type PulseApiDeps = PulseDeps & { logger: Logger; authenticate: Authenticator };

/** The team pulse: answered signed in (internal IT) or with an invitation's one-time link. */
export function createPulseApp(deps: PulseApiDeps) {
  const app = createApiApp({ authenticate: deps.authenticate, logger: deps.logger });
  app.openapi(pulseRoutes.answerPulse, async (c) => {
    const { tenantId } = c.req.valid('param');
    const body = c.req.valid('json');
    const { answer, created } = await answerPulse(
      {
        tenantId,
        principal: c.get('principal'),
        score: body.score,
        ...(body.month ? { month: body.month } : {}),
        ...(body.comment ? { comment: body.comment } : {}),
      },
      deps,
    );
    return created ? c.json(answer, 201) : c.json(answer, 200);
  });
  app.openapi(pulseRoutes.readPulse, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { month } = c.req.valid('query');
    return c.json(
      await readPulse({ tenantId, principal: c.get('principal'), ...(month ? { month } : {}) }, deps),
      200,
    );
  });
  app.openapi(pulseRoutes.readPulseLink, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await readPulseLink(c.req.valid('param').token, deps), 200);
  });
  app.openapi(pulseRoutes.answerPulseLink, async (c) => {
    const body = c.req.valid('json');
    c.header('cache-control', 'no-store');
    return c.json(
      await answerPulseLink(
        {
          token: c.req.valid('param').token,
          score: body.score,
          ...(body.comment ? { comment: body.comment } : {}),
        },
        deps,
      ),
      200,
    );
  });
  return app;
}
