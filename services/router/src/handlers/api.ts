import { parseConfig } from '@psa/common/config';
import { AuthConfig, CoreConfig, createAuthenticator, createCoreDeps } from '@psa/common/runtime';
import { handle } from 'hono/aws-lambda';
import { createRouterApp } from '../app.ts';

const config = parseConfig(CoreConfig.extend(AuthConfig.shape), process.env);

/** API Gateway HTTP API (payload v2) -> the router's Hono app. */
export const app = createRouterApp({ ...createCoreDeps(config), authenticate: createAuthenticator(config) });
export const handler = handle(app);
