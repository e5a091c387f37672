import { roleOf } from '@psa/model/people';
import type { TenantStore } from '@psa/model/ports';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderKeys } from './keys.ts';
import { MemoryAdapter } from './memory-adapter.ts';
import { errorPage, signedOutPage, signOutPage } from './pages.ts';
import { parseAccountId } from './people.ts';

/** The web app's client: public (no secret), authorization code with PKCE. */
export const WEB_CLIENT_ID = 'psa-web';
/** The API's audience: what `JWT_AUDIENCE` expects in every access token. */
export const API_AUDIENCE = 'psa-api';
/** The scope that asks for an access token to the API (its resource server's only scope). */
export const API_SCOPE = 'psa';
/** Where the web app receives the authorization code. */
export const CALLBACK_PATH = '/auth/callback';
/** The mount path of the provider on the local gateway. */
export const ISSUER_PATH = '/oidc';

/** The issuer of a gateway's origin (`http://127.0.0.1:3000` -> `http://127.0.0.1:3000/oidc`). */
export const issuerOf = (origin: string) => `${origin}${ISSUER_PATH}`;
/** The API's resource indicator (RFC 8707 wants an absolute URI); tokens for it carry API_AUDIENCE. */
export const apiResourceOf = (origin: string) => `${origin}/v1`;

export interface LocalProviderOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:3000`. */
  origin: string;
  keys: ProviderKeys;
  tenants: TenantStore;
  /** Access token lifetime (default an hour). */
  accessTokenTtlSeconds?: number;
}

/** How long a refresh token keeps a signed-in person signed in without activity: a working day. */
const REFRESH_TOKEN_TTL_SECONDS = 10 * 60 * 60;

/** The claims a signed-in person's tokens carry, read from their tenant's current `people`. */
async function personClaims(tenants: TenantStore, accountId: string) {
  const id = parseAccountId(accountId);
  if (!id) return null;
  const doc = await tenants.getDivisionOfWork(id.tenant);
  const role = doc ? roleOf(doc.people, id.email) : null;
  return role ? { tenant: id.tenant, role, email: id.email } : null;
}

/**
 * The local OpenID provider (oidc-provider, a certified implementation): authorization code +
 * PKCE for the web app, RS256 JWT access tokens for the API with `tenant`, `role` and `email`
 * (renewed with rotating refresh tokens),
 * and this repository's own interaction pages (no devInteractions). Sessions live in memory: after
 * a restart people sign in again; the keys are the data folder's, so issued tokens stay valid.
 */
export function createLocalProvider(opts: LocalProviderOptions): Provider {
  const { origin, keys, tenants } = opts;
  const accessTokenTTL = opts.accessTokenTtlSeconds ?? 60 * 60;
  const apiResource = apiResourceOf(origin);
  const configuration: Configuration = {
    adapter: MemoryAdapter,
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: 'Co-managed IT web app',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${origin}${CALLBACK_PATH}`],
        post_logout_redirect_uris: [`${origin}/`],
      },
    ],
    jwks: keys.jwks as Configuration['jwks'],
    cookies: {
      keys: keys.cookieKeys,
      // `Secure` is added by the provider whenever the request came over https; plain
      // http://127.0.0.1 cannot carry it (Koa refuses to send a Secure cookie over http).
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    pkce: { required: () => true },
    // The web app renews its access token with a refresh token (no hidden iframe: the CSP forbids
    // framing). Issued without `offline_access`: it lives a working day and is rotated on each
    // use (oidc-provider rotates a public client's refresh tokens), so a stolen one is short-lived.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
      IdToken: 60 * 60,
      AccessToken: accessTokenTTL,
    },
    scopes: ['openid', 'email'],
    claims: { openid: ['sub', 'tenant', 'role'], email: ['email', 'email_verified'] },
    // The ID token carries the claims (email, tenant, role) the web app shows and routes by.
    conformIdTokenClaims: false,
    // Browsers send Origin on the web app's token request even on the same origin; no other
    // origin may call the provider's endpoints from a page.
    clientBasedCORS: (_ctx, requestOrigin) => requestOrigin === origin,
    interactions: { url: (_ctx, interaction) => `${ISSUER_PATH}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = signOutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = signedOutPage(`${origin}/`);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== apiResource) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: API_AUDIENCE,
            accessTokenTTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    findAccount: async (_ctx, sub) => {
      const claims = await personClaims(tenants, sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...claims, email_verified: true }) };
    },
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !('accountId' in token) || !token.accountId) return undefined;
      return (await personClaims(tenants, token.accountId)) ?? undefined;
    },
    // The web app is first-party: no consent screen. Its grant covers what it may ask for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      const grant =
        (existing ? await ctx.oidc.provider.Grant.find(existing) : undefined) ??
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email');
      grant.addOIDCClaims(['email', 'email_verified', 'tenant', 'role']);
      grant.addResourceScope(apiResource, API_SCOPE);
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  };
  return new Provider(issuerOf(origin), configuration);
}
