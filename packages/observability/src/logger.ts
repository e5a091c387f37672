import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentCorrelation } from '@psa/model/correlation';

/**
 * Powertools' standard JSON line (level, message, timestamp, service and, once a handler added
 * the Lambda context, cold_start and the function_* keys,
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/#standard-structured-keys)
 * plus the correlation scope the line was written in: `correlationId`, `tenantId`, `ticketId` and
 * API Gateway's `requestId`. They come from the scope (@psa/model/correlation), not from keys
 * appended to the logger, so concurrent invocations sharing one logger (the local runtime) never
 * mix them up. Attributes a call passes itself win over the scope's.
 */
export class CorrelatedLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const scope = currentCorrelation();
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      correlationId: scope?.correlationId,
      tenantId: scope?.tenantId,
      ticketId: scope?.ticketId,
      requestId: scope?.requestId,
    };
    return new LogItem({ attributes: base }).addAttributes(additional);
  }
}

/**
 * A function's logger: Powertools Logger with the correlated line. Level, sampling and service
 * come from Powertools' variables (POWERTOOLS_LOG_LEVEL, POWERTOOLS_SERVICE_NAME, ...), which
 * the CDK app and the local runtime set per function.
 */
export function createLogger(options: { serviceName?: string } = {}): Logger {
  return new Logger({ ...options, logFormatter: new CorrelatedLogFormatter() });
}
