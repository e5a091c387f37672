import { parseConfig } from '@psa/aws/config';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createAuthenticator } from '@psa/http/auth';
import { handle } from 'hono/aws-lambda';
import { createRouterApp } from '../app.ts';
import { RouterApiConfig } from '../config.ts';

const config = parseConfig(RouterApiConfig, process.env);
const core = createCoreDeps(config);

/** API Gateway HTTP API (payload v2) -> the router's Hono app. */
export const app = createRouterApp({
  ...core,
  mail: new DynamoMailStore(core.doc, config.TABLE_NAME),
  models: new DynamoModelStore(core.doc, config.TABLE_NAME),
  authenticate: createAuthenticator(config),
});
export const handler = handle(app);
