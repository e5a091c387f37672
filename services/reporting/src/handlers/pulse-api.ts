import { apiHandler, instrument } from '@psa/observability/handler';
import { handle } from 'hono/aws-lambda';
import { composeReporting } from '../composition.ts';
import { createPulseApp } from '../pulse-app.ts';

const o = instrument(composeReporting(process.env));

/** API Gateway HTTP API (payload v2) -> the team pulse's Hono app. */
export const app = createPulseApp(o.deps);
export const handler = apiHandler(o, handle(app));
