import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STATEFUL_OUTPUTS, statefulStackName } from '@psa/contracts/stack-outputs';
import type { QueueAccess } from '@psa/contracts/wiring';
import { readEndpoints } from '../endpoints.ts';

/**
 * Where an operator command works: a deployed stage in AWS (the standard credential chain:
 * AWS_PROFILE, AWS_REGION, SSO, instance roles, ...) or the local runtime (`npm start`'s
 * endpoints.json, the emulators' throw-away credentials).
 */
export interface Target {
  where: 'aws' | 'local';
  /** Settings of the SDK clients, per service; in AWS only a region when it is known. */
  dynamodb: ClientSettings;
  sqs: ClientSettings;
  table?: string;
  queueUrls: Partial<Record<QueueAccess, string>>;
}

export interface TargetOptions {
  /** A deployed stage: its resources come from the stateful stack's outputs. */
  stage?: string | undefined;
  table?: string | undefined;
  queueUrl?: string | undefined;
  /** The queue `queueUrl` is (for messages); with `stage` or locally, which queue to look up. */
  queue?: QueueAccess | undefined;
  dataDir: string;
}

export interface ClientSettings {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** `https://sqs.eu-west-1.amazonaws.com/...` -> `eu-west-1`, so a queue URL alone is enough. */
export function regionOfQueueUrl(url: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(url)?.[1];
}

/** Resolves the target: `--table`/`--queue-url` as given, `--stage` via its outputs, else local. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.table || options.queueUrl) {
    const region = options.queueUrl ? regionOfQueueUrl(options.queueUrl) : undefined;
    const client = region ? { region } : {};
    return {
      where: 'aws',
      dynamodb: client,
      sqs: client,
      ...(options.table ? { table: options.table } : {}),
      queueUrls: options.queueUrl && options.queue ? { [options.queue]: options.queueUrl } : {},
    };
  }
  if (options.stage) {
    const outputs = await stackOutputs(statefulStackName(options.stage));
    const queueUrls: Partial<Record<QueueAccess, string>> = {};
    for (const [name, key] of Object.entries(STATEFUL_OUTPUTS.queueUrls) as [QueueAccess, string][]) {
      if (outputs[key]) queueUrls[name] = outputs[key];
    }
    const table = outputs[STATEFUL_OUTPUTS.tableName];
    return { where: 'aws', dynamodb: {}, sqs: {}, ...(table ? { table } : {}), queueUrls };
  }
  const endpoints = await readEndpoints(options.dataDir).catch(() => {
    throw new Error(
      `no local runtime in ${options.dataDir} (start it with npm start), and no --stage, --table or --queue-url`,
    );
  });
  const local = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return {
    where: 'local',
    dynamodb: local(endpoints.dynamodb),
    sqs: local(endpoints.sqs),
    table: endpoints.table,
    queueUrls: endpoints.queues,
  };
}

async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const cloudformation = new CloudFormationClient({});
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new Error(`no stack ${stackName}`);
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } finally {
    cloudformation.destroy();
  }
}
