import type { Construct } from 'constructs';

/**
 * Deployment settings, read from CDK context. The defaults live in one place, the root `cdk.json`
 * (so a bare `cdk synth` works offline); override with `cdk synth -c key=value`. Without
 * `jwtIssuer` the app creates a Cognito user pool and signs people in with it, so a fresh deploy
 * works without outside setup; with it, the customer's own OpenID issuer is trusted instead.
 */
export interface PsaConfig {
  /** Names the stacks (`Psa-<stage>-Stateful`, `Psa-<stage>-Services`); lower-case letters, digits, dashes. */
  stage: string;
  /**
   * OIDC issuer URL the HTTP API's JWT authorizer trusts (it fetches the JWKS from its discovery
   * document). Absent: the app creates a Cognito user pool and trusts that.
   */
  jwtIssuer?: string;
  /** Audience (`aud`) the JWT authorizer requires of an external issuer's tokens (Cognito: the app client id). */
  jwtAudience: string;
  /** The web app's (public, PKCE) client id at `jwtIssuer`; required with it. */
  webClientId?: string;
  /** Scopes the web app asks `jwtIssuer` for (default `openid email`). */
  webScope: string;
  /**
   * Domain that receives and sends support email: the SES identity the functions with
   * `access.mail` may send from, and the domain the receipt rule receives for.
   */
  emailDomain: string;
  /**
   * Recipients the SES receipt rule accepts (context `emailRecipients`: a JSON list or a
   * comma-separated string), lower-cased; each an address on `emailDomain` or `emailDomain`
   * itself (every address on it). Default `support@<emailDomain>`: derived here rather than in
   * cdk.json so that overriding `emailDomain` alone cannot leave a stale recipient behind. Mail
   * is only sent from these addresses, so every tenant's support address must be one of them.
   */
  emailRecipients: string[];
  /** Where alarm notifications go; without it the alarms still exist, with nobody subscribed. */
  alarmEmail?: string;
  /**
   * The web app's public origin (`https://…`, no path), for links in the mail the system sends
   * (rating links, the digest's dashboard link). The CloudFront domain is only known once the
   * distribution exists, and the functions cannot reference it without a cycle (the distribution
   * fronts their API), so `npm run deploy` passes the deployed distribution's URL here (a first
   * deploy runs twice); set it yourself for a custom domain. Absent: mail goes without links.
   */
  webUrl?: string;
  /**
   * Context `bundleMetafile=true`: esbuild writes `index.meta.json` beside each bundle (what went
   * into it; `npm run bundle-sizes` reads it). Off by default: it would ship inside the zip.
   */
  bundleMetafile: boolean;
}

/** Reads and validates the config from context; an invalid value fails the synth naming its key. */
export function readConfig(scope: Construct): PsaConfig {
  type StringKey = Exclude<keyof PsaConfig, 'emailRecipients' | 'bundleMetafile'>;
  const read = (key: StringKey): string | undefined => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`invalid context: ${key}: expected a string`);
    return value;
  };
  const required = (key: StringKey): string => {
    const value = read(key);
    if (value === undefined)
      throw new Error(`missing context: ${key}: set it in cdk.json or with -c ${key}=...`);
    return value;
  };
  const config: PsaConfig = {
    stage: required('stage'),
    jwtAudience: required('jwtAudience'),
    webScope: read('webScope') ?? 'openid email',
    emailDomain: required('emailDomain').toLowerCase(),
    emailRecipients: [],
    bundleMetafile: isTrue(scope.node.tryGetContext('bundleMetafile')),
  };
  const alarmEmail = read('alarmEmail');
  if (alarmEmail) config.alarmEmail = alarmEmail;
  const webUrl = read('webUrl');
  if (webUrl) {
    if (!URL.canParse(webUrl) || new URL(webUrl).protocol !== 'https:') {
      throw new Error(`invalid context: webUrl: '${webUrl}' must be an https URL`);
    }
    config.webUrl = new URL(webUrl).origin;
  }
  const jwtIssuer = read('jwtIssuer');
  if (jwtIssuer) {
    if (!URL.canParse(jwtIssuer) || new URL(jwtIssuer).protocol !== 'https:') {
      throw new Error(`invalid context: jwtIssuer: '${jwtIssuer}' must be an https URL`);
    }
    config.jwtIssuer = jwtIssuer;
    const webClientId = read('webClientId');
    if (!webClientId) {
      throw new Error(
        "missing context: webClientId: the web app's client id at jwtIssuer (a public client, authorization code + PKCE); set it with -c webClientId=...",
      );
    }
    config.webClientId = webClientId;
  }

  if (!/^[a-z][a-z0-9-]{0,19}$/.test(config.stage)) {
    throw new Error(
      `invalid context: stage: '${config.stage}' must be 1-20 lower-case letters, digits or dashes`,
    );
  }
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(config.emailDomain)) {
    throw new Error(`invalid context: emailDomain: '${config.emailDomain}' is not a domain name`);
  }
  config.emailRecipients = readEmailRecipients(scope, config.emailDomain);
  if (config.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(config.alarmEmail)) {
    throw new Error(`invalid context: alarmEmail: '${config.alarmEmail}' is not an email address`);
  }
  return config;
}

/** An SES receipt rule takes at most 100 recipients. */
const MAX_RECIPIENTS = 100;

function readEmailRecipients(scope: Construct, emailDomain: string): string[] {
  const value: unknown = scope.node.tryGetContext('emailRecipients');
  let list: unknown[];
  if (value === undefined || value === null || value === '') list = [`support@${emailDomain}`];
  else if (Array.isArray(value)) list = value;
  else if (typeof value === 'string') {
    // `-c emailRecipients=...` arrives as a string: a JSON list, or addresses separated by commas.
    const text = value.trim();
    list = text.startsWith('[') ? parseJsonList(text) : text.split(',');
  } else throw new Error('invalid context: emailRecipients: expected a list of addresses');

  const recipients = list.map((entry) => {
    if (typeof entry !== 'string' || entry.trim() === '')
      throw new Error(`invalid context: emailRecipients: ${JSON.stringify(entry)} is not an address`);
    return entry.trim().toLowerCase();
  });
  if (recipients.length === 0)
    throw new Error('invalid context: emailRecipients: name at least one recipient');
  if (recipients.length > MAX_RECIPIENTS)
    throw new Error(
      `invalid context: emailRecipients: at most ${MAX_RECIPIENTS} recipients per receipt rule`,
    );
  for (const recipient of recipients) {
    const at = recipient.lastIndexOf('@');
    const address =
      at > 0 && /^[a-z0-9._%+-]+$/.test(recipient.slice(0, at)) && recipient.slice(at + 1) === emailDomain;
    if (!address && recipient !== emailDomain) {
      throw new Error(
        `invalid context: emailRecipients: '${recipient}' must be an address on ${emailDomain} (or ${emailDomain} itself)`,
      );
    }
  }
  if (new Set(recipients).size !== recipients.length)
    throw new Error('invalid context: emailRecipients: a recipient is listed twice');
  return recipients;
}

/** `-c key=true` arrives as the string 'true'; cdk.json or a test's context may hold a boolean. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function parseJsonList(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new Error('invalid context: emailRecipients: not a JSON list of addresses');
}
