import { describe, expect, it } from 'vitest';
import { handler, type PreTokenGenerationV2Event } from '../src/auth/pre-token-generation.ts';

const event = (attributes: Record<string, string>, groups: string[]): PreTokenGenerationV2Event => ({
  version: '2',
  triggerSource: 'TokenGeneration_HostedAuth',
  request: { userAttributes: attributes, groupConfiguration: { groupsToOverride: groups } },
  response: {},
});

describe('the Cognito pre-token-generation trigger', () => {
  it('puts tenant, role and the verified email into both tokens', async () => {
    const out = await handler(
      event({ 'custom:tenant': 'acme', email: 'Alice@Acme.example', email_verified: 'true' }, ['requester']),
    );
    const claims = { tenant: 'acme', role: 'requester', email: 'alice@acme.example' };
    expect(out.response).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims },
        accessTokenGeneration: { claimsToAddOrOverride: claims },
      },
    });
  });

  it('picks the strongest role of several groups, and leaves out an unverified email', async () => {
    const out = await handler(
      event({ 'custom:tenant': 'acme', email: 'x@acme.example', email_verified: 'false' }, [
        'requester',
        'partner',
        'internal',
      ]),
    );
    expect(out.response).toMatchObject({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme', role: 'internal' } },
      },
    });
    expect(JSON.stringify(out.response)).not.toContain('x@acme.example');
  });

  it.each([
    ['no tenant attribute', event({ email: 'a@acme.example', email_verified: 'true' }, ['requester'])],
    ['no role group', event({ 'custom:tenant': 'acme' }, ['some-other-group'])],
  ])('adds no claims for a user with %s (the API then refuses the token)', async (_case, e) => {
    expect((await handler(e)).response).toEqual({});
  });
});
