import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { type PsaConfig, readConfig } from './config.ts';
import type { Observability } from './observability.ts';
import { addObservability } from './operations.ts';
import { ServicesStack } from './services-stack.ts';
import { applyStageContext, stageSettings } from './stages.ts';
import { StatefulStack } from './stateful-stack.ts';

/** The repository root: FUNCTIONS entries and package-lock.json are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PsaStacks {
  config: PsaConfig;
  stateful: StatefulStack;
  services: ServicesStack;
  observability: Observability;
}

/**
 * Adds the PSA stacks to an app, configured from its context (the chosen stage's entry of
 * `stages` applied first). Shared by `bin/app.ts` and the tests.
 */
export function addPsaStacks(app: App): PsaStacks {
  applyStageContext(app);
  const config = readConfig(app);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = `Psa-${config.stage}`;
  const tags = { project: 'psa', stage: config.stage };
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    config,
    env,
    tags,
    repoRoot: REPO_ROOT,
    description: 'PSA ticket routing: table, event bus, queues, blob bucket, user pool',
    terminationProtection: stageSettings(app).removalPolicy === 'retain',
  });
  const services = new ServicesStack(app, `${prefix}-Services`, {
    config,
    stateful,
    repoRoot: REPO_ROOT,
    env,
    tags,
    description: 'PSA ticket routing: service functions, rules, schedules, HTTP API, web app',
  });
  const observability = addObservability(stateful, services);
  return { config, stateful, services, observability };
}
