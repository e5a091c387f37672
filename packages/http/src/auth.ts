import { ForbiddenError, NotFoundError, UnauthorizedError } from '@psa/model/errors';
import { PersonRoleSchema } from '@psa/model/people';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import * as z from 'zod';
import { checkTimeClaims } from './time-claims.ts';

export const RoleSchema = PersonRoleSchema;
export type Role = z.infer<typeof RoleSchema>;

/**
 * The one token scheme: RS256 JWTs signed by the OpenID provider and verified with its JWKS.
 * RSA because the HTTP API's JWT authorizer verifies RSA signatures only
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
 */
export const TOKEN_ALGORITHM = 'RS256';

/** Who is calling, from the bearer token's claims. */
export const PrincipalSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1),
  role: RoleSchema,
  email: z
    .email()
    .transform((e) => e.toLowerCase())
    .optional(),
  name: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

export function principalFromClaims(claims: unknown, now: Date = new Date()): Principal {
  if (typeof claims === 'object' && claims !== null) checkTimeClaims(claims as Record<string, unknown>, now);
  const parsed = PrincipalSchema.safeParse(claims);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || 'token').join(', ');
    throw new UnauthorizedError(`token claims invalid: ${fields}`);
  }
  if (parsed.data.role === 'requester' && !parsed.data.email) {
    throw new UnauthorizedError('token claims invalid: a requester token needs an email claim');
  }
  return parsed.data;
}

/** Verifies a bearer token and returns its principal. */
export type Authenticator = (bearer: string | undefined, requestContext?: unknown) => Promise<Principal>;

/**
 * Verifies RS256 bearer tokens against `keys` (a JWKS: `discoveredJwks` for an issuer, or a local
 * set in tests) and checks issuer, audience and expiry, as the HTTP API's JWT authorizer does.
 */
export function jwtAuthenticator(keys: JWTVerifyGetKey, issuer: string, audience: string): Authenticator {
  return async (bearer) => {
    if (!bearer) throw new UnauthorizedError('missing bearer token');
    try {
      const { payload } = await jwtVerify(bearer, keys, { issuer, audience, algorithms: [TOKEN_ALGORITHM] });
      return principalFromClaims(payload);
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      throw new UnauthorizedError('invalid bearer token', { cause: err });
    }
  };
}

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * The issuer's signing keys, found the way API Gateway finds them: its OpenID discovery document
 * (`<issuer>/.well-known/openid-configuration`) names the `jwks_uri`. Read on first use, not at
 * cold start (locally the provider may still be starting); a failed lookup is retried next time.
 * jose caches the keys and refetches when a token names an unknown `kid`.
 */
export function discoveredJwks(issuer: string, fetchImpl: typeof fetch = fetch): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async () => {
    const res = await fetchImpl(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`OpenID discovery for ${issuer} answered ${res.status}`);
    const doc = DiscoverySchema.parse(await res.json());
    if (doc.issuer !== issuer) throw new Error(`OpenID discovery names issuer ${doc.issuer}, not ${issuer}`);
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  };
  return async (header, token) => {
    keys ??= discover().catch((err) => {
      keys = undefined;
      throw err;
    });
    return (await keys)(header, token);
  };
}

const ApiGatewayJwtContext = z.object({
  authorizer: z.object({ jwt: z.object({ claims: z.record(z.string(), z.unknown()) }) }),
});

/**
 * AWS: API Gateway's JWT authorizer already verified the token against the issuer's JWKS; trust
 * only the claims it passed on. With the Cognito user pool the CDK app creates, a pre-token-
 * generation trigger puts `tenant`, `role` and `email` into the access token, so the claims have
 * the same shape as everywhere else.
 */
export function apiGatewayAuthenticator(): Authenticator {
  return async (_bearer, requestContext) => {
    const ctx = ApiGatewayJwtContext.safeParse(requestContext);
    if (!ctx.success) throw new UnauthorizedError('no verified JWT claims on the request');
    return principalFromClaims(ctx.data.authorizer.jwt.claims);
  };
}

/** The authentication settings of a service's config (`AuthConfig` in @psa/aws/config). */
export interface AuthSettings {
  AUTH_MODE: 'apigateway' | 'jwks';
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/**
 * The authenticator a service's config asks for: API Gateway's verified claims (AWS), or the
 * same verification done in process against the issuer's JWKS (the local runtime, whose HTTP
 * gateway has no JWT authorizer in front of the functions).
 */
export function createAuthenticator(settings: AuthSettings): Authenticator {
  if (settings.AUTH_MODE === 'apigateway') return apiGatewayAuthenticator();
  return jwtAuthenticator(discoveredJwks(settings.JWT_ISSUER), settings.JWT_ISSUER, settings.JWT_AUDIENCE);
}

/** A private signing key and the `kid` under which its public half is published in the JWKS. */
export interface SigningKey {
  privateKey: Parameters<SignJWT['sign']>[0];
  kid: string;
}

export interface TokenClaims {
  tenant: string;
  role: Role;
  email?: string;
  name?: string;
  sub?: string;
}

/** Signs an access token (RS256, `kid` in the header): the local provider's key, or a test key. */
export async function signToken(
  key: SigningKey,
  claims: TokenClaims,
  opts: { issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'at+jwt', kid: key.kid })
    .setSubject(claims.sub ?? claims.email ?? `${claims.role}@${claims.tenant}`)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h')
    .sign(key.privateKey);
}

/**
 * A principal may act only within its own tenant. Another tenant's resources answer 404, so a
 * caller cannot even learn that they exist.
 */
export function assertTenant(principal: Principal, tenantId: string): void {
  if (principal.tenant !== tenantId) throw new NotFoundError(`tenant ${tenantId} not found`);
}

export function assertRole(principal: Principal, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(principal.role)) {
    throw new ForbiddenError(`role '${principal.role}' may not ${action}`);
  }
}
