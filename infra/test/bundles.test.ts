import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS } from '@psa/contracts/wiring';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPsaStacks } from '../src/psa-app.ts';

type Json = Record<string, unknown>;
interface LambdaResource {
  Type: string;
  Properties: { Description: string; Code: { S3Key: string }; Environment: { Variables: Json } };
}

/**
 * Bundles every function for real (esbuild, as `cdk synth` does) and loads each bundle under
 * this Node (24, as Lambda's nodejs24.x) with exactly the environment the template gives it. The
 * handlers parse their config at cold start, so a variable the infra forgot, or an ESM/CommonJS
 * mix-up in the bundle, fails here instead of on the first invocation in AWS.
 */
describe('function bundles', () => {
  let outdir: string;
  let functions: LambdaResource[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'psa-bundles-'));
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
      context: Json;
    };
    // An issuer of the customer's own: no user pool (its trigger is not one of FUNCTIONS).
    const app = new App({
      outdir,
      context: { ...cdkJson.context, jwtIssuer: 'https://login.psa.test/', webClientId: 'psa-web' },
    });
    const { services } = addPsaStacks(app);
    const resources = Template.fromStack(services).findResources('AWS::Lambda::Function');
    // CDK's own BucketDeployment handler (Python) is not one of ours.
    functions = Object.entries(resources)
      .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
      .map(([, r]) => r) as LambdaResource[];
  });

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('bundles one ESM file with a source map per function', () => {
    expect(functions).toHaveLength(FUNCTIONS.length);
    for (const fn of functions) {
      const dir = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(dir, 'index.mjs')), fn.Properties.Description).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map')), fn.Properties.Description).toBe(true);
    }
  });

  it('loads every bundle with exactly the environment the template sets', () => {
    for (const fn of functions) {
      const dir = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' };
      for (const [name, value] of Object.entries(fn.Properties.Environment.Variables)) {
        // CloudFormation references stand in for names and URLs only known at deploy time.
        env[name] =
          typeof value === 'string'
            ? value
            : name.endsWith('_URL')
              ? `https://sqs.eu-west-1.amazonaws.com/123456789012/${name.toLowerCase()}`
              : `psa-test-${name.toLowerCase()}`;
      }
      const url = pathToFileURL(join(dir, 'index.mjs')).href;
      const result = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler export');`,
        ],
        { env, encoding: 'utf8', timeout: 30_000 },
      );
      expect(result.stderr, fn.Properties.Description).toBe('');
      expect(result.status, fn.Properties.Description).toBe(0);
    }
  });
});
