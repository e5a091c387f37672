import { mkdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { RoleSchema, signToken } from '@psa/http/auth';
import { defaultDataDir } from '../config.ts';
import { authKeyFile } from '../endpoints.ts';

export const LOCAL_ISSUER = 'psa-local';
export const LOCAL_AUDIENCE = 'psa-api';

/** `psa token --tenant acme --role internal [--email a@b] [--name N] [--expires 12h]`: prints a bearer token. */
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
  const secret = new Uint8Array(await readFile(await authKeyFile(dataDir)));
  out(
    await signToken(
      secret,
      {
        tenant: values.tenant,
        role: role.data,
        ...(values.email ? { email: values.email } : {}),
        ...(values.name ? { name: values.name } : {}),
      },
      { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, expiresIn: values.expires! },
    ),
  );
  return 0;
}
