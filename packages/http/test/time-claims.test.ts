import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { apiGatewayAuthenticator, jwtAuthenticator, TOKEN_ALGORITHM } from '../src/auth.ts';
import { CLOCK_TOLERANCE_SECONDS, checkTimeClaims } from '../src/time-claims.ts';

const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM);
const jwks = createLocalJWKSet({
  keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: TOKEN_ALGORITHM }],
});
const NOW = new Date('2026-06-16T14:00:00.000Z');
const s = NOW.getTime() / 1000;
const claims = { sub: 'it@acme.example', tenant: 'acme', role: 'internal' };

/** A token signed by the trusted key, with exactly the time claims given (none unless given). */
function signed(time: { exp?: number; iat?: number; nbf?: number }): Promise<string> {
  return new SignJWT({ ...claims, ...time })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: 'k1' })
    .setIssuer('psa-test')
    .setAudience('psa-api-test')
    .sign(privateKey);
}

describe('checkTimeClaims', () => {
  it('accepts a token issued now that expires later, within the clock tolerance either way', () => {
    expect(() => checkTimeClaims({ exp: s + 3600, iat: s, nbf: s }, NOW)).not.toThrow();
    expect(() => checkTimeClaims({ exp: s + 3600, iat: s + CLOCK_TOLERANCE_SECONDS }, NOW)).not.toThrow();
    expect(() => checkTimeClaims({ exp: String(s + 3600), iat: String(s) }, NOW)).not.toThrow();
  });

  it.each([
    [{}, /exp is required/],
    [{ iat: s }, /exp is required/],
    [{ exp: s - CLOCK_TOLERANCE_SECONDS - 1 }, /token expired/],
    [{ exp: s + 3600, iat: s + CLOCK_TOLERANCE_SECONDS + 1 }, /iat is in the future/],
    [{ exp: s + 3600, nbf: s + 600 }, /not valid yet/],
    [{ exp: 'tomorrow' }, /NumericDate/],
    [{ exp: s + 3600, iat: null }, /NumericDate/],
  ])('refuses %j', (payload, message) => {
    expect(() => checkTimeClaims(payload, NOW)).toThrow(message);
  });
});

describe('the authenticators', () => {
  const now = Math.floor(Date.now() / 1000);
  const local = jwtAuthenticator(jwks, 'psa-test', 'psa-api-test');

  it('refuse a correctly signed token without exp (it would never expire)', async () => {
    await expect(local(await signed({ iat: now }))).rejects.toThrow(/exp is required/);
  });

  it('refuse a token issued in the future', async () => {
    await expect(local(await signed({ iat: now + 3600, exp: now + 7200 }))).rejects.toThrow(/iat/);
  });

  it('refuse a token not valid for another hour', async () => {
    await expect(local(await signed({ nbf: now + 3600, exp: now + 7200 }))).rejects.toMatchObject({
      status: 401,
    });
  });

  it('still take a token issued now for an hour', async () => {
    await expect(local(await signed({ iat: now, exp: now + 3600 }))).resolves.toMatchObject({
      tenant: 'acme',
    });
  });

  it("check API Gateway's verified claims (passed on as strings) the same way", async () => {
    const gateway = apiGatewayAuthenticator();
    const context = (extra: Record<string, string>) => ({
      authorizer: { jwt: { claims: { ...claims, ...extra } } },
    });
    await expect(gateway(undefined, context({ iat: String(now) }))).rejects.toThrow(/exp is required/);
    await expect(gateway(undefined, context({ exp: String(now + 3600) }))).resolves.toMatchObject({
      role: 'internal',
    });
  });
});
