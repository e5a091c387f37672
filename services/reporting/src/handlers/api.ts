import { apiHandler, instrument } from '@psa/observability/handler';
import { timeReports } from '@psa/observability/metrics';
import { handle } from 'hono/aws-lambda';
import { createReportingApp } from '../app.ts';
import { composeReporting } from '../composition.ts';

const o = instrument(composeReporting(process.env));

/** API Gateway HTTP API (payload v2) -> the reporting Hono app, timing each report it reads. */
export const app = timeReports(createReportingApp(o.deps), o.metrics);
export const handler = apiHandler(o, handle(app));
