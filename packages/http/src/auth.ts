import { readFileSync } from 'node:fs';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '@psa/model/errors';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { checkTimeClaims } from './time-claims.ts';

export const RoleSchema = z.enum(['requester', 'partner', 'internal', 'leadership']);
export type Role = z.infer<typeof RoleSchema>;

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
 * Local runtime: HS256 tokens signed with a key kept in the data folder (`psa token`).
 * In AWS the HTTP API's JWT authorizer verifies the token first (issuer and audience from config)
 * and the handler reads the verified claims with `apiGatewayAuthenticator`.
 */
export function hs256Authenticator(secret: Uint8Array, issuer: string, audience: string): Authenticator {
  return async (bearer) => {
    if (!bearer) throw new UnauthorizedError('missing bearer token');
    try {
      const { payload } = await jwtVerify(bearer, secret, { issuer, audience, algorithms: ['HS256'] });
      return principalFromClaims(payload);
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      throw new UnauthorizedError('invalid bearer token', { cause: err });
    }
  };
}

const ApiGatewayJwtContext = z.object({
  authorizer: z.object({ jwt: z.object({ claims: z.record(z.string(), z.unknown()) }) }),
});

/** AWS: API Gateway already verified the JWT; trust only what its authorizer passed on. */
export function apiGatewayAuthenticator(): Authenticator {
  return async (_bearer, requestContext) => {
    const ctx = ApiGatewayJwtContext.safeParse(requestContext);
    if (!ctx.success) throw new UnauthorizedError('no verified JWT claims on the request');
    return principalFromClaims(ctx.data.authorizer.jwt.claims);
  };
}

/** The authentication settings of a service's config (`AuthConfig` in @psa/aws/config). */
export interface AuthSettings {
  AUTH_MODE: 'apigateway' | 'hs256';
  AUTH_HS256_KEY_FILE?: string | undefined;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/** The authenticator a service's config asks for: API Gateway's verified claims, or local HS256 tokens. */
export function createAuthenticator(settings: AuthSettings): Authenticator {
  if (settings.AUTH_MODE === 'apigateway') return apiGatewayAuthenticator();
  if (!settings.AUTH_HS256_KEY_FILE)
    throw new Error('invalid configuration: AUTH_HS256_KEY_FILE: required when AUTH_MODE=hs256');
  const secret = new Uint8Array(readFileSync(settings.AUTH_HS256_KEY_FILE));
  return hs256Authenticator(secret, settings.JWT_ISSUER, settings.JWT_AUDIENCE);
}

export async function signToken(
  secret: Uint8Array,
  claims: { tenant: string; role: Role; email?: string; name?: string; sub?: string },
  opts: { issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? claims.email ?? `${claims.role}@${claims.tenant}`)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h')
    .sign(secret);
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
