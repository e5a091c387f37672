import { FUNCTIONS, type ServiceName } from '@psa/common/wiring';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PsaConfig } from './config.ts';
import { PsaService } from './psa-service.ts';
import type { StatefulStack } from './stateful-stack.ts';

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

/** The stateless part: every service's functions, rules and schedules, and the one HTTP API. */
export class ServicesStack extends Stack {
  readonly api: HttpApi;
  readonly services: ReadonlyMap<ServiceName, PsaService>;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;

    this.api = new HttpApi(this, 'HttpApi', {
      description: `PSA ticket and report API (${config.stage})`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
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
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', config.jwtIssuer, {
      jwtAudience: [config.jwtAudience],
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
          api: this.api,
          authorizer,
          alarmTopic: stateful.alarmTopic,
        }),
      );
    }
    this.services = services;

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
  }
}

function serviceConstructId(service: ServiceName): string {
  return `${service.charAt(0).toUpperCase()}${service.slice(1)}Service`;
}
