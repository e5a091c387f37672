import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantStore } from '@psa/model/ports';
import type Provider from 'oidc-provider';
import { errorPage, PAGE_CSS, PAGE_CSS_PATH, signInPage } from './pages.ts';
import { accountIdOf, findPerson } from './people.ts';

/** At most this much form body: one email address. */
const MAX_FORM_BYTES = 4096;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const ROUTE = /^\/oidc\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/;

/**
 * The provider's interaction pages: who is signing in. Locally that is an Email field and a Sign
 * in button, no password: the address must belong to a tenant's `people` (division of work),
 * which also decides the role. Answers false for a path that is not an interaction.
 */
export function interactionHandler(provider: Provider, tenants: TenantStore) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === PAGE_CSS_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(PAGE_CSS);
      return true;
    }
    const match = ROUTE.exec(url.pathname);
    if (!match) return false;
    const [, uid, action] = match;
    const base = `/oidc/interaction/${uid}`;
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      if (action === 'abort' && req.method === 'GET') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'sign-in cancelled' },
          { mergeWithLastSubmission: false },
        );
        return true;
      }
      if (action === 'login' && req.method === 'POST') {
        const email = (await readForm(req)).get('email')?.trim() ?? '';
        const person = email ? await findPerson(tenants, email) : null;
        if (!person) {
          const error = email
            ? `${email} is not known here: no tenant's people list this address or its domain. Use an address of the demo tenant, such as alice@acme.example.`
            : 'Enter your email address.';
          send(
            res,
            403,
            'text/html; charset=utf-8',
            signInPage({ action: `${base}/login`, abort: `${base}/abort`, email, error }),
          );
          return true;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: accountIdOf(person) } },
          { mergeWithLastSubmission: false },
        );
        return true;
      }
      if (!action && req.method === 'GET' && details.prompt.name === 'login') {
        send(
          res,
          200,
          'text/html; charset=utf-8',
          signInPage({ action: `${base}/login`, abort: `${base}/abort` }),
        );
        return true;
      }
      // Consent never shows for the first-party web app (the provider's loadExistingGrant grants it).
      send(
        res,
        400,
        'text/html; charset=utf-8',
        errorPage({
          error: 'unexpected sign-in step',
          step: details.prompt.name,
          reasons: details.prompt.reasons.join(' '),
        }),
      );
      return true;
    } catch (err) {
      send(
        res,
        400,
        'text/html; charset=utf-8',
        errorPage({ error: 'this sign-in has expired or is not yours', detail: (err as Error).message }),
      );
      return true;
    }
  };
}
