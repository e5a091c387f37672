import type { Logger } from '@aws-lambda-powertools/logger';
import { intakeRoutes as routes } from '@psa/contracts/http/intake-routes';
import type { Authenticator } from '@psa/http/auth';
import { createApiApp } from '@psa/http/http';
import type { EmailDeps } from './domain/email/email-deps.ts';
import { reprocessQuarantined } from './domain/email/reprocess.ts';

export type ReprocessDeps = EmailDeps & { logger: Logger; authenticate: Authenticator };

/**
 * Re-processing a quarantined mail: the route answers what became of the mail (a ticket, or the
 * quarantine's reason), so it runs email intake, MIME parser and all, within the request. It is
 * its own function (IntakeReprocessApi) so that IntakeApi, which every console poll reaches,
 * carries no MIME parser; IntakeEmail runs the same use case for mail as it arrives.
 */
export function createReprocessApp(deps: ReprocessDeps) {
  const app = createApiApp({ authenticate: deps.authenticate, logger: deps.logger });
  app.openapi(routes.reprocessQuarantined, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    return c.json(await reprocessQuarantined({ tenantId, id, principal: c.get('principal') }, deps), 200);
  });
  return app;
}
