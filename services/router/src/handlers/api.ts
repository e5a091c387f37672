import { apiHandler, instrument } from '@psa/observability/handler';
import { handle } from 'hono/aws-lambda';
import { createRouterApp } from '../app.ts';
import { composeRouterApi } from '../composition.ts';

const o = instrument(composeRouterApi(process.env));

/** API Gateway HTTP API (payload v2) -> the router's Hono app. */
export const app = createRouterApp(o.deps);
export const handler = apiHandler(o, handle(app));
