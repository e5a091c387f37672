import { randomBytes, randomUUID } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SigningKey, TOKEN_ALGORITHM } from '@psa/http/auth';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/**
 * The local OpenID provider's secrets, created once and kept in the data folder (never in code):
 * the RS256 key that signs every token (its public half is the provider's JWKS) and the keys
 * that sign its cookies. `npm start` and `psa token` read the same file, so a token from either
 * verifies against the same JWKS.
 */
export interface ProviderKeys {
  /** Private JWK set, as oidc-provider's `jwks` setting takes it. */
  jwks: { keys: JWK[] };
  /** Cookie signing keys (oidc-provider `cookies.keys`). */
  cookieKeys: string[];
}

const FILE = 'oidc-keys.json';

async function newKeys(): Promise<ProviderKeys> {
  const { privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return {
    jwks: { keys: [{ ...jwk, kid: randomUUID(), alg: TOKEN_ALGORITHM, use: 'sig' }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
}

/** The keys of the data folder, created on first use (atomically: two first users agree on one). */
export async function providerKeys(dataDir: string): Promise<ProviderKeys> {
  const file = join(dataDir, FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ProviderKeys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const draft = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify(await newKeys()), { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(draft, { force: true });
  }
  return JSON.parse(await readFile(file, 'utf8')) as ProviderKeys;
}

/** The provider's token-signing key, for `psa token` and the bench. */
export async function providerSigningKey(dataDir: string): Promise<SigningKey> {
  const [jwk] = (await providerKeys(dataDir)).jwks.keys;
  if (!jwk?.kid) throw new Error(`${join(dataDir, FILE)} holds no signing key`);
  return { privateKey: await importJWK(jwk, TOKEN_ALGORITHM), kid: jwk.kid };
}
