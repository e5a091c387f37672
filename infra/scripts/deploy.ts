/**
 * `npm run deploy -- --stage NAME [--dry-run] [-c key=value ...] [--out DIR] [-- <cdk options>]`:
 * deploys a stage with its context from cdk.json (`context.stages.<NAME>`), after printing what
 * it will do: the stacks, who signs people in, the email domain, where alarms go, what happens to
 * the data and for how long logs are kept. `-c key=value` overrides one context value for this run
 * (as `cdk -c` does); anything after `--` goes to cdk unchanged (`--profile`, `--exclusively`).
 *
 * `--dry-run` runs `cdk synth` with exactly the same context instead (offline: no account
 * needed), so the plan and the templates can be checked before anything is deployed. After a
 * deployment it prints the stack outputs the operator needs next and the smoke check's command.
 * The web app's URL (for links in mail) is read from the deployed stage, or, on a stage's first
 * deployment, from its outputs, followed by a second deployment that gives it to the functions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SERVICES_OUTPUTS, servicesStackName, statefulStackName } from '@psa/contracts/stack-outputs';
import { App } from 'aws-cdk-lib';
import { type PsaConfig, readConfig } from '../src/config.ts';
import { REPO_ROOT } from '../src/psa-app.ts';
import { applyStageContext, knownStages, type StageSettings, stageSettings } from '../src/stages.ts';

type Context = Record<string, unknown>;

export interface DeployRequest {
  stage: string;
  dryRun: boolean;
  /** `-c key=value` overrides, in order. */
  overrides: string[];
  /** Output folder of the cloud assembly (cdk's `-o`). */
  out: string;
  /** Passed to cdk as they are. */
  cdkArgs: string[];
}

export interface DeployPlan {
  config: PsaConfig;
  settings: StageSettings;
  /** What the plan prints, one line each. */
  lines: string[];
  /** The cdk command line (without the cdk executable). */
  command: string[];
  outputsFile: string;
}

/** `key=value` -> [key, value]; cdk passes context values as strings, and so does this. */
function parseOverride(assignment: string): [string, string] {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new Error(`-c expects key=value, got '${assignment}'`);
  return [assignment.slice(0, at), assignment.slice(at + 1)];
}

/**
 * What a deployment of `request.stage` would do, validated exactly as the CDK app validates it
 * (the same stage resolution and config reading, on an app that is never synthesized).
 */
export function planDeployment(request: DeployRequest, cdkJsonContext: Context): DeployPlan {
  const stages = knownStages(cdkJsonContext);
  if (!stages.includes(request.stage)) {
    throw new Error(
      `stage '${request.stage}' is not in cdk.json's context.stages (${stages.join(', ')}): add it there, stages differ only by context`,
    );
  }
  const overrides = request.overrides.map(parseOverride);
  // Never synthesized; its output folder is the one cdk writes to anyway.
  const app = new App({
    outdir: request.out,
    context: { ...cdkJsonContext, ...Object.fromEntries(overrides), stage: request.stage },
  });
  applyStageContext(app);
  const config = readConfig(app);
  const settings = stageSettings(app);
  const retain = settings.removalPolicy === 'retain';
  const signIn = config.jwtIssuer
    ? `tokens from ${config.jwtIssuer} (audience ${config.jwtAudience})`
    : 'the Cognito user pool the stateful stack creates';
  const lines = [
    `${request.dryRun ? 'Synthesizing (dry run, nothing is deployed)' : 'Deploying'} stage '${request.stage}' with cdk.json's context.stages.${request.stage}${overrides.length ? ` and ${overrides.map(([k]) => `-c ${k}`).join(', ')}` : ''}`,
    `  stacks        ${statefulStackName(request.stage)}, ${servicesStackName(request.stage)} (account and region of your AWS credentials)`,
    `  sign-in       ${signIn}`,
    `  email         receives for ${config.emailRecipients.join(', ')} (SES identity ${config.emailDomain})`,
    `  mail links    ${config.webUrl ?? "the web app's CloudFront URL, once the distribution exists"}`,
    `  alarms        ${config.alarmEmail ? `mailed to ${config.alarmEmail} (confirm the SNS subscription)` : 'notify nobody yet: set alarmEmail in the stage or subscribe to the alarm topic'}`,
    retain
      ? `  data          retained: DynamoDB point-in-time recovery ${onOff(settings.pointInTimeRecovery)}, deletion protection ${onOff(settings.deletionProtection)}, bucket versioning ${onOff(settings.blobVersioning)}, termination protection on`
      : '  data          DESTROYED with the stack: table, buckets (emptied) and logs are deleted',
    `  stored mail   ${mailLifecycle(settings)}`,
    `  logs          functions ${settings.logRetentionDays} days, API access ${settings.accessLogRetentionDays} days, level ${settings.logLevel}${settings.debugSampleRate ? ` (${settings.debugSampleRate * 100}% of invocations at DEBUG)` : ''}; events archived ${settings.eventArchiveDays} days`,
    `  traces        X-Ray active on every function, responses ${settings.traceCaptureResponse ? 'captured' : 'not captured'}`,
    `  metrics       namespace ${settings.metricsNamespace}; dashboard psa-${request.stage}; runbooks ${settings.runbookBaseUrl}`,
  ];
  const context = ['-c', `stage=${request.stage}`, ...overrides.flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const outputsFile = join(request.out, `outputs-${request.stage}.json`);
  const command = request.dryRun
    ? ['synth', '--quiet', ...context, '-o', request.out, ...request.cdkArgs]
    : [
        'deploy',
        '--all',
        ...context,
        '-o',
        request.out,
        '--require-approval',
        'broadening',
        '--outputs-file',
        outputsFile,
        ...request.cdkArgs,
      ];
  lines.push(`  command       cdk ${command.join(' ')}`);
  return { config, settings, lines, command, outputsFile };
}

const onOff = (on: boolean) => (on ? 'on' : 'off');

function mailLifecycle(settings: StageSettings): string {
  const parts = [
    settings.mailArchiveAfterDays !== null
      ? `to Glacier Instant Retrieval after ${settings.mailArchiveAfterDays} days`
      : 'stays in S3 Standard',
    settings.mailExpirationDays !== null
      ? `deleted after ${settings.mailExpirationDays} days`
      : 'never deleted',
  ];
  if (settings.blobVersioning)
    parts.push(`overwritten versions kept ${settings.noncurrentVersionExpirationDays} days`);
  return parts.join(', ');
}

const USAGE =
  'usage: npm run deploy -- --stage NAME [--dry-run] [-c key=value ...] [--out DIR] [-- <cdk options>]\n';

/** What `main` needs from the outside world; tests give their own. */
export interface DeployIo {
  out: (line: string) => void;
  /** Runs cdk with these arguments; resolves its exit status. */
  cdk: (args: string[]) => number;
  /** One output of a deployed stack, or undefined when the stack or output does not exist. */
  stackOutput: (stack: string, key: string) => Promise<string | undefined>;
}

const defaultIo = (): DeployIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  cdk: (args) => {
    const run = spawnSync(join(REPO_ROOT, 'node_modules/.bin/cdk'), args, {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    return run.status ?? 1;
  },
  stackOutput: async (stack, key) => {
    const cloudformation = new CloudFormationClient({});
    try {
      const res = await cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
      return res.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
    } catch (err) {
      if (err instanceof Error && /does not exist/.test(err.message)) return undefined;
      throw err;
    } finally {
      cloudformation.destroy();
    }
  },
});

const readOutputs = (file: string) =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>) : {};

export async function main(args: string[], io: DeployIo = defaultIo()): Promise<number> {
  const { out } = io;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      context: { type: 'string', short: 'c', multiple: true, default: [] },
      out: { type: 'string' },
    },
  });
  if (!values.stage) {
    process.stderr.write(USAGE);
    return 2;
  }
  const stage = values.stage;
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Context };
  const plan = (overrides: string[]) =>
    planDeployment(
      {
        stage,
        dryRun: values['dry-run'],
        overrides,
        out: values.out ?? join(REPO_ROOT, 'infra/cdk.out', stage),
        cdkArgs: positionals,
      },
      cdkJson.context,
    );
  let deployment: DeployPlan;
  let overrides = values.context;
  try {
    deployment = plan(overrides);
    // Mail links need the web app's URL, which only a deployed distribution has (see
    // PsaConfig.webUrl): reuse the deployed one, unless the stage or the command names one.
    if (!deployment.config.webUrl && !values['dry-run']) {
      const deployed = await io.stackOutput(servicesStackName(stage), SERVICES_OUTPUTS.webUrl);
      if (deployed) {
        overrides = [...overrides, `webUrl=${deployed}`];
        deployment = plan(overrides);
      }
    }
  } catch (err) {
    process.stderr.write(`deploy: ${(err as Error).message}\n`);
    return 2;
  }
  for (const line of deployment.lines) out(line);

  let status = io.cdk(deployment.command);
  if (status !== 0) {
    out(`deploy: cdk ${deployment.command[0]} failed (exit ${status})`);
    return status || 1;
  }
  if (values['dry-run']) {
    out(
      `deploy: templates in ${deployment.command[deployment.command.indexOf('-o') + 1]}; nothing was deployed`,
    );
    return 0;
  }
  let outputs = readOutputs(deployment.outputsFile);
  const webUrl = outputs[servicesStackName(stage)]?.[SERVICES_OUTPUTS.webUrl];
  if (!deployment.config.webUrl && webUrl) {
    // The first deployment of a stage: its distribution exists now, so tell the functions.
    out(`deploy: the web app is at ${webUrl}; deploying again so the mail the system sends links to it`);
    deployment = plan([...overrides, `webUrl=${webUrl}`]);
    status = io.cdk(deployment.command);
    if (status !== 0) {
      out(`deploy: cdk ${deployment.command[0]} failed (exit ${status})`);
      return status || 1;
    }
    outputs = readOutputs(deployment.outputsFile);
  }
  for (const [stack, values] of Object.entries(outputs))
    for (const [key, value] of Object.entries(values)) out(`  ${stack}.${key} = ${value}`);
  const api = outputs[servicesStackName(stage)]?.[SERVICES_OUTPUTS.apiUrl];
  if (api) out(`next: npm run smoke -- --api ${api} --token <an internal IT user's bearer token>`);
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
