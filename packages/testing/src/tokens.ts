import {
  type Authenticator,
  jwtAuthenticator,
  type SigningKey,
  signToken,
  TOKEN_ALGORITHM,
  type TokenClaims,
} from '@psa/http/auth';
import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';

/** An issuer for in-process API tests: the production verifier over a JWKS held in memory. */
export interface TestIssuer {
  issuer: string;
  audience: string;
  /** `jwtAuthenticator` over this issuer's JWKS, as the local runtime verifies. */
  authenticate: Authenticator;
  /** A token this issuer signed (optionally claiming another issuer, to prove it is refused). */
  sign(claims: TokenClaims, opts?: { issuer?: string; expiresIn?: string }): Promise<string>;
  /** A well-formed token signed with a key that is not in the JWKS, under the same `kid`. */
  signForeign(claims: TokenClaims): Promise<string>;
}

async function newKey(kid: string): Promise<{ key: SigningKey; publicJwk: object }> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM);
  return {
    key: { privateKey, kid },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALGORITHM, use: 'sig' },
  };
}

export async function createTestIssuer(
  opts: { issuer?: string; audience?: string } = {},
): Promise<TestIssuer> {
  const issuer = opts.issuer ?? 'https://issuer.psa.test';
  const audience = opts.audience ?? 'psa-api-test';
  const trusted = await newKey('test-key');
  const foreign = await newKey('test-key');
  const jwks = createLocalJWKSet({ keys: [trusted.publicJwk] });
  return {
    issuer,
    audience,
    authenticate: jwtAuthenticator(jwks, issuer, audience),
    sign: (claims, o = {}) =>
      signToken(trusted.key, claims, {
        issuer: o.issuer ?? issuer,
        audience,
        ...(o.expiresIn ? { expiresIn: o.expiresIn } : {}),
      }),
    signForeign: (claims) => signToken(foreign.key, claims, { issuer, audience }),
  };
}
