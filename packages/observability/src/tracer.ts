import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The process's Powertools Tracer (X-Ray). One per process is one per Lambda function, as
 * Powertools recommends (created at cold start, outside the handler). It reads its settings from
 * Powertools' variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_TRACE_ENABLED,
 * POWERTOOLS_TRACER_CAPTURE_RESPONSE) and turns itself off outside Lambda, so the local runtime,
 * which runs every function in one process, traces nothing.
 */
export const tracer = new Tracer();

/**
 * An AWS SDK v3 client whose calls appear in the trace as subsegments (service, operation, table
 * or queue): every client the adapters' factories build passes through here.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/tracer/#patching-aws-sdk-clients
 */
export function traced<C>(client: C): C {
  return tracer.captureAWSv3Client(client);
}
