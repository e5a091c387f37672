import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { addPsaStacks, type PsaStacks } from '../../src/psa-app.ts';

type Json = Record<string, unknown>;

export interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** cdk.json's context, as `cdk synth` reads it. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context: Json }
).context;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * An app with cdk.json's context (config, stages, feature flags) plus `extra`, bundling skipped,
 * writing to a temporary folder removed after the suite. A non-placeholder issuer keeps the synth
 * free of the placeholder warning.
 */
export function testApp(extra: Json = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'psa-cdk-test-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      jwtIssuer: 'https://login.psa.test/',
      webClientId: 'psa-web',
      'aws:cdk:bundling-stacks': [],
      ...extra,
    },
  });
}

export interface SynthesizedStage {
  stacks: PsaStacks;
  stateful: Template;
  services: Template;
  /** Every resource of a type in both stacks, as [`<stack name>/<logical id>`, resource]. */
  resources: (type: string) => Array<[string, Resource]>;
}

/** Synthesizes a stage's stacks (stage context from cdk.json's `stages`). */
export function synthStage(stage: string, extra: Json = {}): SynthesizedStage {
  const stacks = addPsaStacks(testApp({ stage, ...extra }));
  const stateful = Template.fromStack(stacks.stateful);
  const services = Template.fromStack(stacks.services);
  const all: Record<string, Resource> = {};
  for (const [stack, template] of [
    [stacks.stateful, stateful],
    [stacks.services, services],
  ] as const) {
    for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>))
      all[`${stack.stackName}/${id}`] = resource;
  }
  return {
    stacks,
    stateful,
    services,
    resources: (type) => Object.entries(all).filter(([, r]) => r.Type === type),
  };
}
