import { handle } from 'hono/aws-lambda';
import { createRouterApp } from '../app.ts';
import { composeRouterApi } from '../composition.ts';

/** API Gateway HTTP API (payload v2) -> the router's Hono app. */
export const app = createRouterApp(composeRouterApi(process.env));
export const handler = handle(app);
