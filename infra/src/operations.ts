import { SERVICES_OUTPUTS, STATEFUL_OUTPUTS } from '@psa/contracts/stack-outputs';
import type { QueueAccess } from '@psa/contracts/wiring';
import { Aws, CfnOutput } from 'aws-cdk-lib';
import { Observability } from './observability.ts';
import type { PsaFunction } from './psa-function.ts';
import type { ServicesStack } from './services-stack.ts';
import type { StatefulStack } from './stateful-stack.ts';

/**
 * What an operator needs beside the system itself: the alarms and the dashboard (in the services
 * stack, which references the stateful queues), and the outputs `psa redrive` and `psa outbox`
 * find a deployed stage's table and queues by.
 */
export function addObservability(stateful: StatefulStack, services: ServicesStack): Observability {
  new CfnOutput(stateful, STATEFUL_OUTPUTS.tableName, {
    key: STATEFUL_OUTPUTS.tableName,
    value: stateful.table.tableName,
    description: 'The table (psa outbox reads its outbox index)',
  });
  for (const [name, key] of Object.entries(STATEFUL_OUTPUTS.queueUrls) as [QueueAccess, string][]) {
    new CfnOutput(stateful, key, {
      key,
      value: stateful.queues[name].queueUrl,
      description: `The ${name} work queue (psa redrive moves its dead letters back to it)`,
    });
  }

  const functions: PsaFunction[] = [...services.services.values()].flatMap((s) => [...s.functions.values()]);
  const observability = new Observability(services, 'Observability', {
    functions,
    api: services.api,
    queues: stateful.queues,
    deadLetterQueues: stateful.deadLetterQueues,
    topic: stateful.alarmTopic,
  });
  new CfnOutput(services, SERVICES_OUTPUTS.dashboardUrl, {
    key: SERVICES_OUTPUTS.dashboardUrl,
    value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${observability.dashboard.dashboard.dashboardName}`,
    description: 'The system dashboard',
  });
  return observability;
}
