import { join } from 'node:path';
import { Aws, Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLE_ORDER } from './auth/pre-token-generation.ts';

/** Group precedence: a lower number wins in Cognito's `cognito:preferred_role`, as in ROLE_ORDER. */
const GROUP_DESCRIPTIONS: Record<(typeof ROLE_ORDER)[number], string> = {
  internal: 'Internal IT: every ticket of its tenant, edits the division of work',
  partner: 'MSP dispatch: the tickets the partner owns or triages',
  leadership: 'Leadership: read-only reports',
  requester: 'People who need help: their own tickets in the portal',
};

export interface SignInPoolProps {
  stage: string;
  repoRoot: string;
}

/**
 * The user pool a fresh deployment signs people in with when no issuer is configured: a group
 * per role, a `tenant` attribute only administrators set, and the pre-token-generation trigger
 * that puts `tenant`, `role` and `email` into the tokens. It holds people, so it lives in the
 * stateful stack and is retained. Users are created by an administrator (no self sign-up):
 *   aws cognito-idp admin-create-user --user-pool-id <id> --username alice@acme.example \
 *     --user-attributes Name=email,Value=alice@acme.example Name=email_verified,Value=true Name=custom:tenant,Value=acme
 *   aws cognito-idp admin-add-user-to-group --user-pool-id <id> --username alice@acme.example --group-name requester
 */
export class SignInPool extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The issuer URL (`https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
  readonly issuer: string;
  /** Origin of the managed login pages and the token endpoint (the web app's CSP allows it). */
  readonly domainOrigin: string;

  constructor(scope: Construct, id: string, props: SignInPoolProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `psa-${props.stage}`,
      // Essentials: access-token customisation by the pre-token-generation trigger (event v2).
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { tenant: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    ROLE_ORDER.forEach((role, precedence) => {
      new CfnUserPoolGroup(this, `${role.charAt(0).toUpperCase()}${role.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
        precedence,
      });
    });

    const logGroup = new LogGroup(this, 'PreTokenGenerationLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(this, 'PreTokenGenerationRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the pre-token-generation trigger',
    });
    logGroup.grantWrite(role);
    const trigger = new NodejsFunction(this, 'PreTokenGeneration', {
      role,
      entry: join(props.repoRoot, 'infra/src/auth/pre-token-generation.ts'),
      handler: 'handler',
      projectRoot: props.repoRoot,
      depsLockFilePath: join(props.repoRoot, 'package-lock.json'),
      description: 'Puts tenant, role and email into the user pool tokens',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      logGroup,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        logLevel: LogLevel.ERROR,
      },
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, trigger, LambdaVersion.V2_0);

    // The prefix must be unique across AWS: stage and account make it so.
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['psa', props.stage, Aws.ACCOUNT_ID]) },
    });
    this.issuer = this.userPool.userPoolProviderUrl;
    this.domainOrigin = `https://${this.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`;

    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional (TOTP) rather than required: requesters sign in rarely, to report a problem; an organisation that wants it required sets mfa to REQUIRED or federates its own IdP (jwtIssuer).',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials, not Plus: Plus adds threat protection at a higher price per user; Essentials already allows the access-token customisation the API needs.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (advanced security) needs the Plus feature plan; the pool uses Essentials, enough for the token customisation. Upgrade the plan to enforce it.',
      },
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
