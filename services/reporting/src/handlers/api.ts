import { handle } from 'hono/aws-lambda';
import { createReportingApp } from '../app.ts';
import { composeReporting } from '../composition.ts';

/** API Gateway HTTP API (payload v2) -> the reporting Hono app. */
export const app = createReportingApp(composeReporting(process.env));
export const handler = handle(app);
