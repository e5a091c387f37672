import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { RoleSchema, signToken } from '@psa/http/auth';
import { defaultDataDir, defaultHttpPort } from '../config.ts';
import { readEndpoints } from '../endpoints.ts';
import { providerSigningKey } from '../oidc/keys.ts';
import { API_AUDIENCE, issuerOf } from '../oidc/provider.ts';

/**
 * The issuer a token for this data folder must name: the running (or last) system's, from its
 * endpoints.json; before the first start, the one `npm start` will have on PSA_HTTP_PORT.
 */
async function localIssuer(dataDir: string): Promise<string> {
  try {
    return (await readEndpoints(dataDir)).issuer;
  } catch {
    return issuerOf(`http://127.0.0.1:${defaultHttpPort()}`);
  }
}

/**
 * `psa token --tenant acme --role internal [--email a@b] [--name N] [--expires 12h]`: prints a
 * bearer token signed with the local OpenID provider's own key (the data folder's), so it
 * verifies against the provider's JWKS like a token from signing in: one token scheme.
 */
export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  const { values } = parseArgs({
    args,
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string', default: '12h' },
      'data-dir': { type: 'string', default: defaultDataDir() },
    },
  });
  const role = RoleSchema.safeParse(values.role);
  if (!values.tenant || !role.success) {
    process.stderr.write(
      'usage: psa token --tenant <id> --role requester|partner|internal|leadership [--email a@b]\n',
    );
    return 2;
  }
  if (role.data === 'requester' && !values.email) {
    process.stderr.write('a requester token needs --email\n');
    return 2;
  }
  const dataDir = values['data-dir']!;
  await mkdir(dataDir, { recursive: true });
  out(
    await signToken(
      await providerSigningKey(dataDir),
      {
        tenant: values.tenant,
        role: role.data,
        ...(values.email ? { email: values.email } : {}),
        ...(values.name ? { name: values.name } : {}),
      },
      { issuer: await localIssuer(dataDir), audience: API_AUDIENCE, expiresIn: values.expires! },
    ),
  );
  return 0;
}
