import { join } from 'node:path';
import { FUNCTIONS, type ServiceName } from '@psa/contracts/wiring';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PsaConfig } from './config.ts';
import { EmailReceiving, INBOUND_MAIL_FUNCTION } from './email-receiving.ts';
import { PsaService } from './psa-service.ts';
import { removalPolicyOf, retentionOf, stageSettings } from './stages.ts';
import type { StatefulStack } from './stateful-stack.ts';
import { WebFrontend, type WebSignIn } from './web-frontend.ts';

/** Per-stage ceiling in front of the functions; far below the account's default of 10,000 rps. */
export const API_THROTTLE = { rateLimit: 100, burstLimit: 200 };

/**
 * HTTP API access log fields (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
 * The tenant and role claims say who called; the token itself is never logged.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  tenant: '$context.authorizer.claims.tenant',
  role: '$context.authorizer.claims.role',
};

export interface ServicesStackProps extends StackProps {
  config: PsaConfig;
  stateful: StatefulStack;
  /** Absolute path of the repository root (the FUNCTIONS entries are relative to it). */
  repoRoot: string;
}

/** Who signs people in: the stateful stack's user pool, or the configured issuer. */
function webSignIn(config: PsaConfig, stateful: StatefulStack): WebSignIn {
  if (config.jwtIssuer) {
    return {
      kind: 'external',
      issuer: config.jwtIssuer,
      clientId: config.webClientId!,
      scope: config.webScope,
    };
  }
  const pool = stateful.signInPool;
  if (!pool) throw new Error('no jwtIssuer and no user pool');
  return { kind: 'cognito', userPool: pool.userPool, issuer: pool.issuer, domainOrigin: pool.domainOrigin };
}

/**
 * The stateless part: every service's functions, rules and schedules, the one HTTP API, and the
 * SES receipt rule that delivers support mail. Like the EventBridge rules, the receipt rule only
 * routes events to a function of this stack; it stores nothing itself. The one grant it needs on
 * a stateful resource (SES may put under `inbound/` of the blob bucket) is part of the bucket's
 * policy in the stateful stack, which names the rule by its fixed name, so the stateful stack
 * still never depends on this one.
 */
export class ServicesStack extends Stack {
  readonly api: HttpApi;
  readonly services: ReadonlyMap<ServiceName, PsaService>;
  readonly emailReceiving: EmailReceiving;
  readonly web: WebFrontend;
  /** The issuer and audience the JWT authorizer checks. */
  readonly auth: { issuer: string; audience: string };

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;

    this.api = new HttpApi(this, 'HttpApi', {
      description: `PSA ticket and report API (${config.stage})`,
      createDefaultStage: false,
    });
    const settings = stageSettings(this);
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: retentionOf(settings.accessLogRetentionDays),
      removalPolicy: removalPolicyOf(settings),
    });
    const stage = new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // The web app and the API on one CloudFront origin; with the Cognito pool, the web app's
    // client is made here (its callback is on the distribution) and is the authorizer's audience:
    // Cognito access tokens name it in `client_id`, which the authorizer accepts for `aud`.
    const signIn = webSignIn(config, stateful);
    this.web = new WebFrontend(this, 'Web', {
      webDist: join(props.repoRoot, 'web/dist'),
      api: this.api,
      signIn,
    });
    this.auth = {
      issuer: signIn.issuer,
      audience: signIn.kind === 'cognito' ? this.web.clientId : config.jwtAudience,
    };
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', this.auth.issuer, {
      jwtAudience: [this.auth.audience],
      identitySource: ['$request.header.Authorization'],
    });

    const resources = {
      table: stateful.table,
      bus: stateful.bus,
      queues: stateful.queues,
      bucket: stateful.bucket,
    };
    const services = new Map<ServiceName, PsaService>();
    for (const service of new Set<ServiceName>(FUNCTIONS.map((f) => f.service))) {
      services.set(
        service,
        new PsaService(this, serviceConstructId(service), {
          service,
          resources,
          config,
          repoRoot: props.repoRoot,
          auth: this.auth,
          api: this.api,
          authorizer,
          alarmTopic: stateful.alarmTopic,
        }),
      );
    }
    this.services = services;

    const inboundMailFunction = [...services.values()]
      .map((service) => service.functions.get(INBOUND_MAIL_FUNCTION))
      .find((fn) => fn !== undefined);
    if (!inboundMailFunction) throw new Error(`the wiring has no ${INBOUND_MAIL_FUNCTION} function`);
    this.emailReceiving = new EmailReceiving(this, 'EmailReceiving', {
      config,
      bucket: stateful.bucket,
      handler: inboundMailFunction.function,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
  }
}

function serviceConstructId(service: ServiceName): string {
  return `${service.charAt(0).toUpperCase()}${service.slice(1)}Service`;
}
