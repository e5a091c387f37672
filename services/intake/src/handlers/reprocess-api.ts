import { apiHandler, instrument } from '@psa/observability/handler';
import { handle } from 'hono/aws-lambda';
import { composeReprocess } from '../composition.ts';
import { createReprocessApp } from '../reprocess-app.ts';

const o = instrument(composeReprocess(process.env));

/** API Gateway HTTP API (payload v2) -> re-processing of quarantined mail (../reprocess-app.ts). */
export const app = createReprocessApp(o.deps);
export const handler = apiHandler(o, handle(app));
