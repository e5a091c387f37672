import { apiHandler, instrument } from '@psa/observability/handler';
import { handle } from 'hono/aws-lambda';
import { createIntakeApp } from '../app.ts';
import { composeIntake } from '../composition.ts';

const o = instrument(composeIntake(process.env));

/** API Gateway HTTP API (payload v2) -> the intake Hono app. */
export const app = createIntakeApp(o.deps);
export const handler = apiHandler(o, handle(app));
