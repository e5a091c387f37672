import { handle } from 'hono/aws-lambda';
import { composeReporting } from '../composition.ts';
import { createPulseApp } from '../pulse-app.ts';

/** API Gateway HTTP API (payload v2) -> the team pulse's Hono app. */
export const app = createPulseApp(composeReporting(process.env));
export const handler = handle(app);
