import type { IncomingMessage, ServerResponse } from 'node:http';
import { webSecurityHeaders } from '@psa/contracts/web-headers';
import type { TenantStore } from '@psa/model/ports';
import { interactionHandler } from './interaction.ts';
import { providerKeys } from './keys.ts';
import { API_SCOPE, CALLBACK_PATH, createLocalProvider, issuerOf, WEB_CLIENT_ID } from './provider.ts';

/** What the web app reads at `/config.json` to find its OpenID provider (AWS: written at deploy). */
export interface WebConfig {
  authority: string;
  clientId: string;
  scope: string;
  redirectPath: string;
}

export interface LocalSignIn {
  issuer: string;
  webConfig: WebConfig;
  /** Handles a request under /oidc (the provider and its interaction pages). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

/** The local OpenID provider mounted at `<origin>/oidc`, with its keys from the data folder. */
export async function startLocalSignIn(opts: {
  origin: string;
  dataDir: string;
  tenants: TenantStore;
  accessTokenTtlSeconds?: number;
  log: (msg: string, extra?: unknown) => void;
}): Promise<LocalSignIn> {
  const provider = createLocalProvider({
    origin: opts.origin,
    keys: await providerKeys(opts.dataDir),
    tenants: opts.tenants,
    ...(opts.accessTokenTtlSeconds ? { accessTokenTtlSeconds: opts.accessTokenTtlSeconds } : {}),
  });
  const headers = webSecurityHeaders();
  // Koa clears headers set before it when it handles an error itself: set them inside, too.
  provider.use(async (ctx, next) => {
    ctx.set(headers);
    await next();
  });
  provider.on('server_error', (_ctx, err) => opts.log('OpenID provider error', err));
  const interactions = interactionHandler(provider, opts.tenants);
  const callback = provider.callback();
  return {
    issuer: issuerOf(opts.origin),
    webConfig: {
      authority: issuerOf(opts.origin),
      clientId: WEB_CLIENT_ID,
      scope: `openid email ${API_SCOPE}`,
      redirectPath: CALLBACK_PATH,
    },
    async handle(req, res, url) {
      if (await interactions(req, res, url)) return;
      // Mounted like Express mounts it: the provider sees paths below its mount point and finds
      // the mount point (for the URLs it builds) in originalUrl.
      const original = req.url ?? '/';
      Object.assign(req, { originalUrl: original });
      req.url = original.slice('/oidc'.length) || '/';
      await callback(req, res);
    },
  };
}
