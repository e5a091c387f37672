import { fileURLToPath, pathToFileURL } from 'node:url';
import { functionEnvironment } from '@psa/aws/function-environment';
import { FUNCTIONS, type FunctionSpec } from '@psa/contracts/wiring';
import { describe, expect, it } from 'vitest';
import { loadFunction } from '../src/functions.ts';

const probe = pathToFileURL(fileURLToPath(new URL('./fixtures/env-probe.ts', import.meta.url))).href;
const spec = (id: string) => (FUNCTIONS as readonly FunctionSpec[]).find((f) => f.id === id)!;
const names = {
  table: 'psa-local',
  bus: 'psa-local',
  bucket: 'psa-local-blobs',
  queueUrls: { partner: 'http://q/partner', internal: 'http://q/internal', triage: 'http://q/triage' },
};
const local = {
  auth: { mode: 'jwks', issuer: 'http://127.0.0.1:3000/oidc', audience: 'psa-api' },
} as const;

describe('a function started by the local runtime', () => {
  it('sees at cold start its own environment and the runtime’s, nothing another function was given', async () => {
    process.env.PSA_TEST_OUTER = 'from the shell';
    try {
      const env = functionEnvironment(spec('ReportingProjector'), names, local);
      const mod = await loadFunction<{ seen: Record<string, string> }>(probe, env, {
        AWS_REGION: 'us-east-1',
      });
      expect(mod.seen).toEqual({ AWS_REGION: 'us-east-1', ...env });
      // What the reporting projector does not declare, it does not get (as in AWS).
      expect(mod.seen).not.toHaveProperty('BLOB_BUCKET');
      expect(mod.seen).not.toHaveProperty('PARTNER_QUEUE_URL');
      expect(mod.seen).not.toHaveProperty('AUTH_MODE');
      expect(process.env.PSA_TEST_OUTER).toBe('from the shell');
    } finally {
      delete process.env.PSA_TEST_OUTER;
    }
  });

  it('gives an API function JWKS verification against the local issuer and only the queues and bucket its spec declares', () => {
    expect(functionEnvironment(spec('IntakeApi'), names, local)).toEqual({
      TABLE_NAME: 'psa-local',
      EVENT_BUS_NAME: 'psa-local',
      POWERTOOLS_SERVICE_NAME: 'intake',
      PARTNER_QUEUE_URL: 'http://q/partner',
      INTERNAL_QUEUE_URL: 'http://q/internal',
      TRIAGE_QUEUE_URL: 'http://q/triage',
      BLOB_BUCKET: 'psa-local-blobs',
      AUTH_MODE: 'jwks',
      JWT_ISSUER: 'http://127.0.0.1:3000/oidc',
      JWT_AUDIENCE: 'psa-api',
    });
    expect(
      functionEnvironment(spec('RouterOnTicketReceived'), names, { ...local, clockOffsetMs: 5 }),
    ).toEqual({
      TABLE_NAME: 'psa-local',
      EVENT_BUS_NAME: 'psa-local',
      POWERTOOLS_SERVICE_NAME: 'router',
      PARTNER_QUEUE_URL: 'http://q/partner',
      INTERNAL_QUEUE_URL: 'http://q/internal',
      TRIAGE_QUEUE_URL: 'http://q/triage',
      PSA_CLOCK_OFFSET_MS: '5',
    });
  });

  it('fails the cold start of a handler whose environment lacks a variable its config reads', async () => {
    const entry = pathToFileURL(
      fileURLToPath(new URL('../../../services/intake/src/handlers/email.ts', import.meta.url)),
    ).href;
    const env = functionEnvironment(spec('ReportingProjector'), names, local);
    await expect(loadFunction(entry, env, { AWS_REGION: 'us-east-1' })).rejects.toThrow(/BLOB_BUCKET/);
  });
});
