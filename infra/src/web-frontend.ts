import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES_OUTPUTS } from '@psa/contracts/stack-outputs';
import { webSecurityHeaders } from '@psa/contracts/web-headers';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  OAuthScope,
  type UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Where the web app receives the authorization code (web/src/config.ts reads it from config.json). */
export const CALLBACK_PATH = '/auth/callback';

/** Where the issuer is and who the web app is there; without a pool, an issuer of your own. */
export type WebSignIn =
  | { kind: 'cognito'; userPool: UserPool; issuer: string; domainOrigin: string }
  | { kind: 'external'; issuer: string; clientId: string; scope: string };

export interface WebFrontendProps {
  /** The built web app (`web/dist`; `npm run synth` builds it). */
  webDist: string;
  api: HttpApi;
  signIn: WebSignIn;
}

/**
 * The web app's one origin, as the local gateway has it: CloudFront in front of the static
 * assets (a private S3 bucket read through Origin Access Control) and of the HTTP API (`/v1/*`,
 * `/openapi.json`), so there is no CORS. Every response carries the CSP and security headers of
 * @psa/contracts/web-headers. With the Cognito pool it also makes the web app's client (public:
 * authorization code + PKCE, no secret, callback on this distribution).
 */
export class WebFrontend extends Construct {
  readonly distribution: Distribution;
  readonly url: string;
  /** The client id the API's JWT authorizer expects (`client_id` of Cognito access tokens). */
  readonly clientId: string;
  readonly headersPolicy: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebFrontendProps) {
    super(scope, id);
    if (!existsSync(join(props.webDist, 'index.html'))) {
      throw new Error(`the web app is not built (${props.webDist}): run npm run build:web first`);
    }
    const { signIn } = props;

    const bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the public build of the web app, rebuilt from the repository on every deploy; requests reach it only through CloudFront.',
    });

    // The Cognito token endpoint and discovery document are on other origins than the app.
    const connectSrc =
      signIn.kind === 'cognito'
        ? [`https://cognito-idp.${Aws.REGION}.amazonaws.com`, signIn.domainOrigin]
        : [new URL(signIn.issuer).origin];
    const headers = webSecurityHeaders({ connectSrc, upgradeInsecureRequests: true });
    this.headersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'PSA web app: strict CSP and security headers (same as the local gateway)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: headers['content-security-policy']!, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Cross-Origin-Opener-Policy',
            value: headers['cross-origin-opener-policy']!,
            override: true,
          },
          { header: 'Permissions-Policy', value: headers['permissions-policy']!, override: true },
        ],
      },
    });

    // A client route (a path without a file extension) gets the app's index.html; the API's
    // behaviours never run this, so an API 404 stays the API's JSON.
    const spaFallback = new CloudFrontFunction(this, 'SpaFallback', {
      comment: 'Client routes of the web app get index.html',
      code: FunctionCode.fromInline(
        "function handler(event){var r=event.request;if(r.uri.lastIndexOf('.')<=r.uri.lastIndexOf('/')){r.uri='/index.html';}return r;}",
      ),
    });
    const apiOrigin = new HttpOrigin(Fn.select(2, Fn.split('/', props.api.apiEndpoint)));
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headersPolicy,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'PSA web app and API, one origin',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headersPolicy,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      // `/public/*`: the rating endpoint a resolution mail's link leads to (no bearer token).
      additionalBehaviors: { '/v1/*': apiBehavior, '/public/*': apiBehavior, '/openapi.json': apiBehavior },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: requesters and the MSP partner may be anywhere.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default (a per-request cost); the API has its own throttling. Attach a web ACL with webAclId for a production deployment.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'No CloudFront access logs by default: the HTTP API keeps its own access log (tenant and role per request); static asset requests carry no data.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate fixes the minimum TLS version; a custom domain with its own certificate sets TLSv1.2_2021.',
      },
    );

    let config: { authority: string; clientId: string; scope: string };
    if (signIn.kind === 'cognito') {
      const client = new UserPoolClient(this, 'WebClient', {
        userPool: signIn.userPool,
        userPoolClientName: 'psa-web',
        generateSecret: false,
        authFlows: {},
        preventUserExistenceErrors: true,
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
          callbackUrls: [`${this.url}${CALLBACK_PATH}`],
          logoutUrls: [`${this.url}/`],
        },
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(1),
        enableTokenRevocation: true,
      });
      this.clientId = client.userPoolClientId;
      config = { authority: signIn.issuer, clientId: client.userPoolClientId, scope: 'openid email' };
    } else {
      this.clientId = signIn.clientId;
      config = { authority: signIn.issuer, clientId: signIn.clientId, scope: signIn.scope };
    }

    // Hashed assets never change under their name: cached for a year. The rest (index.html,
    // config.json, favicon) is revalidated on every load. Old assets are kept (prune: false) so a
    // page loaded before a deploy can still fetch its chunks.
    new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(join(props.webDist, 'assets'))],
      destinationBucket: bucket,
      destinationKeyPrefix: 'assets/',
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    new BucketDeployment(this, 'DeployPages', {
      sources: [
        Source.asset(props.webDist, { exclude: ['assets', 'assets/**'] }),
        Source.jsonData('config.json', { ...config, redirectPath: CALLBACK_PATH }),
      ],
      destinationBucket: bucket,
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json', '/'],
    });

    this.acknowledgeDeploymentHandler(bucket);
    new CfnOutput(Stack.of(this), SERVICES_OUTPUTS.webUrl, {
      value: `${this.url}/`,
      description: 'The web app',
    });
  }

  /**
   * BucketDeployment's handler (one per stack, made by CDK) copies the build into the bucket at
   * deploy time; its code, role and runtime are CDK's own.
   */
  private acknowledgeDeploymentHandler(bucket: Bucket): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
    const nagText = (value: string) => {
      const resolved: unknown = stack.resolve(value);
      return typeof resolved === 'string' ? resolved : `<${(resolved as { Ref: string }).Ref}>`;
    };
    const wildcards = [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      // The CDK bootstrap's asset bucket, as cdk-nag prints it (pseudo parameters in <>, or the
      // literal values when the stack's environment is known at synth).
      `Resource::arn:${nagText(stack.partition)}:s3:::cdk-hnb659fds-assets-${nagText(stack.account)}-${nagText(stack.region)}/*`,
      `Resource::<${bucketId}.Arn>/*`,
      'Resource::*',
    ];
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's BucketDeployment handler uses AWSLambdaBasicExecutionRole for its logs.",
      },
      ...wildcards.map((appliesTo) => ({
        id: `AwsSolutions-IAM5[${appliesTo}]`,
        reason:
          "CDK's BucketDeployment handler (grants made by aws-cdk-lib): it reads the deployment's asset from the CDK asset bucket, writes the web app's files under any key of this stack's web bucket, and invalidates the distribution (cloudfront:CreateInvalidation has no narrower resource in CDK's grant).",
      })),
      {
        id: 'AwsSolutions-L1',
        reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib, updated with it.",
      },
    );
  }
}
