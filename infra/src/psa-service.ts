import {
  ASYNC_DELIVERY,
  FUNCTIONS,
  type FunctionId,
  type FunctionSpec,
  HTTP_ROUTES,
  type HttpRoute,
  SCHEDULES,
  type ServiceName,
  SUBSCRIPTIONS,
} from '@psa/contracts/wiring';
import { Duration, Validations } from 'aws-cdk-lib';
import {
  type HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type EventPattern, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmWhenQueueNotEmpty } from './alarms.ts';
import type { PsaConfig } from './config.ts';
import { INBOUND_MAIL_FUNCTION } from './email-receiving.ts';
import { PsaFunction, type SharedResources } from './psa-function.ts';

/**
 * EventBridge's retries when it cannot hand an event to Lambda (throttling, a missing
 * permission); after that the event goes to the function's failure queue. From the wiring's
 * ASYNC_DELIVERY, which the local runtime's delivery queue applies too.
 */
const targetDelivery = (policy: { retryAttempts: number; maxEventAgeSeconds: number }) => ({
  retryAttempts: policy.retryAttempts,
  maxEventAge: Duration.seconds(policy.maxEventAgeSeconds),
});
const EVENT_DELIVERY = targetDelivery(ASYNC_DELIVERY.events);
const TICK_DELIVERY = targetDelivery(ASYNC_DELIVERY.ticks);

/** EventBridge rules and the SES receipt rule's Lambda action (invocation type Event) invoke these. */
const FUNCTIONS_INVOKED_ASYNC: ReadonlySet<string> = new Set<string>([
  ...[...SUBSCRIPTIONS, ...SCHEDULES].map((s) => s.functionId),
  INBOUND_MAIL_FUNCTION,
]);

export interface PsaServiceProps {
  service: ServiceName;
  resources: SharedResources;
  config: PsaConfig;
  repoRoot: string;
  /** The issuer and audience the authorizer checks. */
  auth: { issuer: string; audience: string };
  api: HttpApi;
  /** Applied to every route declared `authorized`. */
  authorizer: IHttpRouteAuthorizer;
  alarmTopic: ITopic;
}

/**
 * One service of the wiring: its FUNCTIONS, the EventBridge rules of its SUBSCRIPTIONS and
 * SCHEDULES, and its HTTP_ROUTES on the shared API. Everything comes from the wiring lists.
 */
export class PsaService extends Construct {
  readonly functions: ReadonlyMap<FunctionId, PsaFunction>;

  constructor(scope: Construct, id: string, props: PsaServiceProps) {
    super(scope, id);
    const functions = new Map<FunctionId, PsaFunction>();
    const specs: readonly FunctionSpec[] = FUNCTIONS;
    for (const spec of specs.filter((s) => s.service === props.service)) {
      const fn = new PsaFunction(this, spec.id, {
        spec,
        resources: props.resources,
        config: props.config,
        repoRoot: props.repoRoot,
        auth: props.auth,
        invokedAsync: FUNCTIONS_INVOKED_ASYNC.has(spec.id),
      });
      if (fn.failureQueue)
        alarmWhenQueueNotEmpty(
          this,
          `${spec.id}FailureAlarm`,
          fn.failureQueue,
          props.alarmTopic,
          'failure-queue',
        );
      functions.set(spec.id as FunctionId, fn);
    }
    this.functions = functions;

    for (const subscription of SUBSCRIPTIONS) {
      const fn = functions.get(subscription.functionId);
      if (!fn) continue;
      const rule = new Rule(this, subscription.id, {
        eventBus: props.resources.bus,
        description: `${subscription.id}: delivers to ${subscription.functionId}`,
        // The wiring holds raw EventBridge JSON (`detail-type`, `$or`); the L2 renders keys verbatim.
        eventPattern: subscription.pattern as EventPattern,
      });
      rule.addTarget(
        new LambdaFunction(fn.function, { deadLetterQueue: fn.failureQueue, ...EVENT_DELIVERY }),
      );
    }

    for (const schedule of SCHEDULES) {
      const fn = functions.get(schedule.functionId);
      if (!fn) continue;
      const rule = new Rule(this, schedule.id, {
        description: `${schedule.id}: invokes ${schedule.functionId} every ${schedule.everyMinutes} min`,
        schedule: Schedule.rate(Duration.minutes(schedule.everyMinutes)),
      });
      rule.addTarget(new LambdaFunction(fn.function, { deadLetterQueue: fn.failureQueue, ...TICK_DELIVERY }));
    }

    this.addRoutes(props, functions);
  }

  private addRoutes(props: PsaServiceProps, functions: ReadonlyMap<FunctionId, PsaFunction>): void {
    const integrations = new Map<FunctionId, HttpLambdaIntegration>();
    const open = new HttpNoneAuthorizer();
    for (const route of HTTP_ROUTES) {
      const fn = functions.get(route.functionId);
      if (!fn) continue;
      let integration = integrations.get(route.functionId);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.functionId}Integration`, fn.function);
        integrations.set(route.functionId, integration);
      }
      const [created] = props.api.addRoutes({
        path: route.path,
        methods: [HTTP_METHODS[route.method]],
        integration,
        authorizer: route.authorized ? props.authorizer : open,
      });
      if (!route.authorized && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is declared public in the wiring (authorized: false): it serves the OpenAPI document clients need before they hold a token.`,
        });
      }
    }
  }
}

const HTTP_METHODS: Record<HttpRoute['method'], HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
};
