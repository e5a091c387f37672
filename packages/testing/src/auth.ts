import { type Authenticator, hs256Authenticator, type Role, signToken } from '@psa/http/auth';

/** The issuer and audience every in-process API test signs for and verifies. */
export const TEST_ISSUER = 'psa-test';
export const TEST_AUDIENCE = 'psa-api-test';

export interface TestClaims {
  tenant?: string;
  role: Role;
  email?: string;
  sub?: string;
  name?: string;
}

/**
 * An authenticator and a token signer that trust each other (HS256 on `secret`), for an API
 * tested in process; tokens are for tenant `acme` unless the claims say otherwise.
 */
export function testAuth(secret: string): {
  authenticate: Authenticator;
  sign: (claims: TestClaims) => Promise<string>;
} {
  const key = new TextEncoder().encode(secret);
  return {
    authenticate: hs256Authenticator(key, TEST_ISSUER, TEST_AUDIENCE),
    sign: (claims) =>
      signToken(key, { tenant: 'acme', ...claims }, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
  };
}

/** A well-formed token signed with a key no test API trusts. */
export function foreignToken(claims: TestClaims = { role: 'internal' }): Promise<string> {
  return testAuth('some-other-secret-that-is-long-enough').sign(claims);
}
