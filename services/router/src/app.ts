import type { Logger } from '@aws-lambda-powertools/logger';
import type { Authenticator } from '@psa/common/auth';
import type { Clock } from '@psa/common/clock';
import { createApiApp } from '@psa/common/http';
import type { TenantStore, TicketStore } from '@psa/common/ports';

export interface RouterApiDeps {
  tenants: TenantStore;
  tickets: TicketStore;
  clock: Clock;
  logger: Logger;
  authenticate: Authenticator;
}

/** The router's HTTP API: the division of work, what-if simulation, coverage and drift. */
export function createRouterApp(deps: RouterApiDeps) {
  const app = createApiApp({ authenticate: deps.authenticate, logger: deps.logger });
  return app;
}
