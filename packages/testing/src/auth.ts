import type { Authenticator, Role } from '@psa/http/auth';
import { createTestIssuer } from './tokens.ts';

export interface TestClaims {
  tenant?: string;
  role: Role;
  email?: string;
  sub?: string;
  name?: string;
}

/**
 * An authenticator and a token signer that trust each other, for an API tested in process: the
 * production JWKS verifier over an RS256 key held in memory (the local runtime verifies the same
 * way). Tokens are for tenant `acme` unless the claims say otherwise.
 */
export async function testAuth(): Promise<{
  authenticate: Authenticator;
  sign: (claims: TestClaims) => Promise<string>;
  /** A token signed with the trusted key, but claiming another issuer. */
  signAsOtherIssuer: (claims: TestClaims) => Promise<string>;
}> {
  const issuer = await createTestIssuer();
  return {
    authenticate: issuer.authenticate,
    sign: (claims) => issuer.sign({ tenant: 'acme', ...claims }),
    signAsOtherIssuer: (claims) =>
      issuer.sign({ tenant: 'acme', ...claims }, { issuer: 'https://someone-else.test' }),
  };
}

/** A well-formed token signed with a key no test API trusts. */
export async function foreignToken(claims: TestClaims = { role: 'internal' }): Promise<string> {
  return (await createTestIssuer()).sign({ tenant: 'acme', ...claims });
}
