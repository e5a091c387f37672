import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DeployIo, type DeployRequest, main, planDeployment } from '../scripts/deploy.ts';
import { REPO_ROOT } from '../src/psa-app.ts';
import { CDK_JSON_CONTEXT } from './support/app.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'psa-deploy-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const request = (over: Partial<DeployRequest> = {}): DeployRequest => ({
  stage: 'prod',
  dryRun: false,
  overrides: [],
  out: tempDir(),
  cdkArgs: [],
  ...over,
});

describe('npm run deploy: the plan', () => {
  it('deploys every stack of the stage with its context, approving broadened permissions, keeping the outputs', () => {
    const plan = planDeployment(request({ overrides: ['alarmEmail=ops@example.org'] }), CDK_JSON_CONTEXT);
    expect(plan.command).toEqual([
      'deploy',
      '--all',
      '-c',
      'stage=prod',
      '-c',
      'alarmEmail=ops@example.org',
      '-o',
      expect.any(String),
      '--require-approval',
      'broadening',
      '--outputs-file',
      plan.outputsFile,
    ]);
    expect(plan.outputsFile).toMatch(/outputs-prod\.json$/);
  });

  it('says what happens to the data: prod keeps it, dev is destroyed with the stack', () => {
    const prod = planDeployment(request(), CDK_JSON_CONTEXT).lines.join('\n');
    expect(prod).toContain("Deploying stage 'prod'");
    expect(prod).toContain(
      'retained: DynamoDB point-in-time recovery on, deletion protection on, bucket versioning on, termination protection on',
    );
    expect(prod).toContain(
      'to Glacier Instant Retrieval after 30 days, never deleted, overwritten versions kept 90 days',
    );
    expect(prod).toContain('functions 90 days, API access 365 days, level INFO');
    expect(prod).toContain('responses not captured');
    expect(prod).toContain('notify nobody yet');

    const dev = planDeployment(request({ stage: 'dev' }), CDK_JSON_CONTEXT).lines.join('\n');
    expect(dev).toContain('DESTROYED with the stack');
    expect(dev).toContain('stays in S3 Standard, deleted after 30 days');
    expect(dev).toContain('functions 7 days, API access 7 days, level DEBUG');
  });

  it('applies -c overrides over the stage, as cdk will, and validates them as the app does', () => {
    const plan = planDeployment(
      request({ overrides: ['logRetentionDays=14', 'alarmEmail=oncall@example.org'] }),
      CDK_JSON_CONTEXT,
    );
    expect(plan.settings.logRetentionDays).toBe(14);
    expect(plan.lines.join('\n')).toContain('mailed to oncall@example.org');
    expect(() => planDeployment(request({ overrides: ['logRetentionDays=10'] }), CDK_JSON_CONTEXT)).toThrow(
      /logRetentionDays/,
    );
    expect(() => planDeployment(request({ overrides: ['emailDomain'] }), CDK_JSON_CONTEXT)).toThrow(
      /key=value/,
    );
  });

  it('refuses a stage cdk.json does not list, naming the ones it does', () => {
    expect(() => planDeployment(request({ stage: 'staging' }), CDK_JSON_CONTEXT)).toThrow(
      "stage 'staging' is not in cdk.json's context.stages (dev, prod)",
    );
  });

  it('synthesizes instead of deploying on a dry run, with the same context', () => {
    const plan = planDeployment(request({ dryRun: true, cdkArgs: ['--exclusively', 'X'] }), CDK_JSON_CONTEXT);
    expect(plan.command).toEqual([
      'synth',
      '--quiet',
      '-c',
      'stage=prod',
      '-o',
      expect.any(String),
      '--exclusively',
      'X',
    ]);
  });
});

describe('npm run deploy: the web app’s URL in mail links', () => {
  const WEB = 'https://d111111abcdef8.cloudfront.net/';
  /** cdk as a recorder: each deploy writes the outputs a real one would. */
  function fakeIo(deployed: string | undefined) {
    const runs: string[][] = [];
    const lines: string[] = [];
    const io: DeployIo = {
      out: (l) => lines.push(l),
      cdk: (args) => {
        runs.push(args);
        const file = args[args.indexOf('--outputs-file') + 1]!;
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(
          file,
          JSON.stringify({ 'Psa-dev-Services': { ApiUrl: 'https://api.example', WebUrl: WEB } }),
        );
        return 0;
      },
      stackOutput: async (stack, key) =>
        stack === 'Psa-dev-Services' && key === 'WebUrl' ? deployed : undefined,
    };
    return { io, runs, lines };
  }
  const webUrlOf = (args: string[]) => args.find((a) => a.startsWith('webUrl='));

  it('deploys a new stage twice: the second time the functions learn the distribution’s URL', async () => {
    const { io, runs, lines } = fakeIo(undefined);
    expect(await main(['--stage', 'dev', '--out', tempDir()], io)).toBe(0);
    expect(runs.map(webUrlOf)).toEqual([undefined, `webUrl=${WEB}`]);
    expect(lines.join('\n')).toContain('deploying again so the mail the system sends links to it');
  });

  it('deploys a deployed stage once, with the URL it already has', async () => {
    const { io, runs } = fakeIo(WEB);
    expect(await main(['--stage', 'dev', '--out', tempDir()], io)).toBe(0);
    expect(runs.map(webUrlOf)).toEqual([`webUrl=${WEB}`]);
  });

  it('keeps a URL the operator names (a custom domain), and refuses one that is not https', async () => {
    const { io, runs, lines } = fakeIo(WEB);
    expect(
      await main(['--stage', 'dev', '--out', tempDir(), '-c', 'webUrl=https://help.acme.example'], io),
    ).toBe(0);
    expect(runs.map(webUrlOf)).toEqual(['webUrl=https://help.acme.example']);
    expect(lines.join('\n')).toContain('mail links    https://help.acme.example');
    expect(() =>
      planDeployment(request({ overrides: ['webUrl=http://help.acme.example'] }), CDK_JSON_CONTEXT),
    ).toThrow(/webUrl.*https/);
  });
});

function runDeploy(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    join(REPO_ROOT, 'node_modules/.bin/node'),
    [join(REPO_ROOT, 'infra/scripts/deploy.ts'), ...args],
    {
      cwd: REPO_ROOT,
      // No account is needed; keep the CLI from looking for one on an instance metadata endpoint.
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('npm run deploy -- --dry-run', () => {
  it('prints the plan and runs cdk synth with the stage context, offline', async () => {
    const out = tempDir();
    // Bundling only the stateful stack (it has no functions) keeps the test fast; cdk still
    // writes both stacks' templates and runs cdk-nag on the whole app.
    const { code, output } = await runDeploy([
      '--stage',
      'prod',
      '--dry-run',
      '--out',
      out,
      '-c',
      'alarmEmail=ops@example.org',
      '--',
      '--exclusively',
      'Psa-prod-Stateful',
    ]);
    expect(code, output).toBe(0);
    expect(output).toContain("Synthesizing (dry run, nothing is deployed) stage 'prod'");
    expect(output).toContain(`cdk synth --quiet -c stage=prod -c alarmEmail=ops@example.org -o ${out}`);
    expect(output).toContain('nothing was deployed');

    const template = (stack: string) =>
      JSON.parse(readFileSync(join(out, `${stack}.template.json`), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
    const resources = (stack: string, type: string) =>
      Object.values(template(stack).Resources).filter((r) => r.Type === type);
    const [table] = resources('Psa-prod-Stateful', 'AWS::DynamoDB::GlobalTable');
    expect((table!.Properties.Replicas as Array<Record<string, unknown>>)[0]).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(resources('Psa-prod-Stateful', 'AWS::SNS::Subscription')[0]?.Properties).toMatchObject({
      Endpoint: 'ops@example.org',
    });
    expect(resources('Psa-prod-Services', 'AWS::CloudWatch::Dashboard')[0]?.Properties.DashboardName).toBe(
      'psa-prod',
    );
  });

  it('exits 2 naming the problem before running cdk', async () => {
    const { code, output } = await runDeploy(['--stage', 'staging', '--dry-run']);
    expect(code).toBe(2);
    expect(output).toContain("deploy: stage 'staging' is not in cdk.json's context.stages");
    expect((await runDeploy([])).code).toBe(2);
  });
});
