import { handle } from 'hono/aws-lambda';
import { createIntakeApp } from '../app.ts';
import { composeIntake } from '../composition.ts';

/** API Gateway HTTP API (payload v2) -> the intake Hono app. */
export const app = createIntakeApp(composeIntake(process.env));
export const handler = handle(app);
