import { Annotations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Deployment settings, read from CDK context. The defaults live in one place, the root `cdk.json`
 * (so a bare `cdk synth` works offline); override with `cdk synth -c key=value`. A real deployment
 * sets at least `jwtIssuer`: the placeholder issuer makes the API reject every token, which is the
 * safe failure.
 */
export interface PsaConfig {
  /** Names the stacks (`Psa-<stage>-Stateful`, `Psa-<stage>-Services`); lower-case letters, digits, dashes. */
  stage: string;
  /** OIDC issuer URL the HTTP API's JWT authorizer trusts (it fetches the JWKS from its discovery document). */
  jwtIssuer: string;
  /** Audience (`aud`) the JWT authorizer requires. */
  jwtAudience: string;
  /** Domain that receives support email (the SES receipt rules of a later issue use it). */
  emailDomain: string;
  /** Where alarm notifications go; without it the alarms still exist, with nobody subscribed. */
  alarmEmail?: string;
}

/** Reads and validates the config from context; an invalid value fails the synth naming its key. */
export function readConfig(scope: Construct): PsaConfig {
  const read = (key: keyof PsaConfig): string | undefined => {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`invalid context: ${key}: expected a string`);
    return value;
  };
  const required = (key: keyof PsaConfig): string => {
    const value = read(key);
    if (value === undefined)
      throw new Error(`missing context: ${key}: set it in cdk.json or with -c ${key}=...`);
    return value;
  };
  const config: PsaConfig = {
    stage: required('stage'),
    jwtIssuer: required('jwtIssuer'),
    jwtAudience: required('jwtAudience'),
    emailDomain: required('emailDomain'),
  };
  const alarmEmail = read('alarmEmail');
  if (alarmEmail) config.alarmEmail = alarmEmail;

  if (!/^[a-z][a-z0-9-]{0,19}$/.test(config.stage)) {
    throw new Error(
      `invalid context: stage: '${config.stage}' must be 1-20 lower-case letters, digits or dashes`,
    );
  }
  if (!URL.canParse(config.jwtIssuer) || new URL(config.jwtIssuer).protocol !== 'https:') {
    throw new Error(`invalid context: jwtIssuer: '${config.jwtIssuer}' must be an https URL`);
  }
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(config.emailDomain)) {
    throw new Error(`invalid context: emailDomain: '${config.emailDomain}' is not a domain name`);
  }
  if (config.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(config.alarmEmail)) {
    throw new Error(`invalid context: alarmEmail: '${config.alarmEmail}' is not an email address`);
  }
  // example.com is reserved (RFC 2606): nobody can issue tokens for it.
  if (/(^|\.)example\.com$/.test(new URL(config.jwtIssuer).hostname)) {
    Annotations.of(scope).addWarningV2(
      'psa:placeholderJwtIssuer',
      `jwtIssuer ${config.jwtIssuer} is a placeholder: the API rejects every token until you set -c jwtIssuer=<your OIDC issuer URL>`,
    );
  }
  return config;
}
