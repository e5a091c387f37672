import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiGatewayAuthenticator,
  discoveredJwks,
  jwtAuthenticator,
  type SigningKey,
  signToken,
} from '../src/auth.ts';

const ISSUER = 'https://issuer.psa.test/oidc';
const AUDIENCE = 'psa-api';
let key: SigningKey;
let other: SigningKey;
let jwks: { keys: object[] };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = { privateKey: pair.privateKey, kid: 'k1' };
  other = { privateKey: (await generateKeyPair('RS256')).privateKey, kid: 'k1' };
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

const claims = { tenant: 'acme', role: 'requester' as const, email: 'Alice@Acme.example' };
const sign = (k: SigningKey, o: Partial<{ issuer: string; audience: string; expiresIn: string }> = {}) =>
  signToken(k, claims, { issuer: ISSUER, audience: AUDIENCE, ...o });

describe('jwtAuthenticator: the one token scheme (RS256 JWTs verified with the issuer’s JWKS)', () => {
  const authenticate = () => jwtAuthenticator(createLocalJWKSet(jwks as never), ISSUER, AUDIENCE);

  it('accepts a token the issuer signed and reads tenant, role and email from it', async () => {
    await expect(authenticate()(await sign(key))).resolves.toMatchObject({
      tenant: 'acme',
      role: 'requester',
      email: 'alice@acme.example',
      sub: 'Alice@Acme.example',
    });
  });

  it.each([
    ['signed by another key under the same kid', () => sign(other)],
    ['for another issuer', () => sign(key, { issuer: 'https://evil.test/oidc' })],
    ['for another audience', () => sign(key, { audience: 'someone-else' })],
    ['expired', () => sign(key, { expiresIn: '-1m' })],
    [
      'signed with HS256 using the public key as the secret (algorithm confusion)',
      () =>
        new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0]))),
    ],
    ['not a JWT at all', async () => 'not.a.jwt'],
  ])('refuses a token %s with 401', async (_case, make) => {
    await expect(authenticate()(await make())).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a request without a bearer token', async () => {
    await expect(authenticate()(undefined)).rejects.toMatchObject({ status: 401 });
  });
});

describe('discoveredJwks: the keys found as API Gateway finds them, by OpenID discovery', () => {
  function fakeIssuer(discoveryIssuer = ISSUER) {
    const calls: string[] = [];
    let up = false;
    const fetchImpl = (async (input: string | URL | Request) => {
      const url = String(input);
      calls.push(url);
      if (!up) return new Response('starting', { status: 503 });
      if (url === `${ISSUER}/.well-known/openid-configuration`) {
        return Response.json({ issuer: discoveryIssuer, jwks_uri: `${ISSUER}/jwks` });
      }
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
    return { fetchImpl, calls, bringUp: () => (up = true) };
  }

  it('fails while the issuer cannot be reached and recovers once it can', async () => {
    const issuer = fakeIssuer();
    const getKey = discoveredJwks(ISSUER, issuer.fetchImpl);
    const token = await sign(key);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    await expect(getKey(header, { payload: '', signature: '' } as never)).rejects.toThrow(/answered 503/);
    issuer.bringUp();
    // jose fetches the JWKS itself (with the global fetch); here it only has to get that far.
    await expect(getKey(header, { payload: '', signature: '' } as never)).rejects.toThrow();
    expect(issuer.calls.filter((c) => c.endsWith('openid-configuration'))).toHaveLength(2);
  });

  it('refuses a discovery document that names another issuer', async () => {
    const issuer = fakeIssuer('https://evil.test/oidc');
    issuer.bringUp();
    const getKey = discoveredJwks(ISSUER, issuer.fetchImpl);
    await expect(getKey({ alg: 'RS256' }, { payload: '', signature: '' } as never)).rejects.toThrow(
      /names issuer https:\/\/evil.test\/oidc/,
    );
  });
});

describe('apiGatewayAuthenticator: AWS, where the HTTP API’s JWT authorizer verified the token', () => {
  it('trusts the claims the authorizer passed on, in the shape the Cognito trigger gives them', async () => {
    const principal = await apiGatewayAuthenticator()(undefined, {
      authorizer: {
        jwt: {
          claims: {
            sub: 'u-1',
            tenant: 'acme',
            role: 'partner',
            email: 'dispatch@msp.example',
            exp: String(Math.floor(Date.now() / 1000) + 3600),
          },
        },
      },
    });
    expect(principal).toMatchObject({ tenant: 'acme', role: 'partner', email: 'dispatch@msp.example' });
  });

  it('refuses a request the authorizer did not verify, and claims without a tenant', async () => {
    await expect(apiGatewayAuthenticator()(undefined, {})).rejects.toMatchObject({ status: 401 });
    await expect(
      apiGatewayAuthenticator()(undefined, {
        authorizer: { jwt: { claims: { sub: 'u', role: 'internal' } } },
      }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
