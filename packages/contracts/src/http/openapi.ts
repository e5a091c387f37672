import { OpenAPIHono } from '@hono/zod-openapi';
import { conversationRoutes } from './conversation-routes.ts';
import { intakeRoutes } from './intake-routes.ts';
import { pulseRoutes, reportingRoutes } from './reporting-routes.ts';
import { routerRoutes } from './router-routes.ts';

/**
 * The HTTP API contract, assembled: each service implements its own routes from its module
 * (request validation included) and `/openapi.json` is generated from all of them.
 */
export const routes = {
  ...intakeRoutes,
  ...conversationRoutes,
  ...routerRoutes,
  ...reportingRoutes,
  ...pulseRoutes,
} as const;

/** The OpenAPI 3.1 document of the whole API, generated from every service's routes. */
export function openApiDocument(serverUrl?: string): unknown {
  const app = new OpenAPIHono();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'JWT with `tenant` and `role` (requester | partner | internal | leadership) claims',
  });
  for (const route of Object.values(routes)) app.openAPIRegistry.registerPath(route);
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Co-managed IT ticket routing API',
      version: '1.0.0',
      description: 'Tickets, lifecycle and leadership reports, tenant-scoped.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
}
