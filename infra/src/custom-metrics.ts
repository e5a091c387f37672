import { type MetricSpec, SERVICE_DIMENSION } from '@psa/contracts/metrics';
import type { ServiceName } from '@psa/contracts/wiring';
import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { StageSettings } from './stages.ts';

/** The period every alarm and graph of the system reads its metrics in. */
export const PERIOD = Duration.minutes(5);

/**
 * A custom metric of `@psa/contracts/metrics` as `service` emits it (Powertools adds the service
 * dimension), with its further dimensions, in the stage's namespace, read with its statistic.
 */
export function customMetric(
  settings: StageSettings,
  spec: MetricSpec,
  service: ServiceName,
  dimensions: Record<string, string> = {},
  options: MetricOptions = {},
): Metric {
  return new Metric({
    namespace: settings.metricsNamespace,
    metricName: spec.name,
    dimensionsMap: { [SERVICE_DIMENSION]: service, ...dimensions },
    statistic: spec.statistic,
    period: PERIOD,
    ...options,
  });
}
