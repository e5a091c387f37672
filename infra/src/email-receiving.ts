import { INBOUND_PREFIX } from '@psa/contracts/email-keys';
import type { FunctionId } from '@psa/contracts/wiring';
import { ArnFormat, Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPermission, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  type IReceiptRuleAction,
  ReceiptRule,
  type ReceiptRuleActionConfig,
  ReceiptRuleSet,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { PsaConfig } from './config.ts';

export { INBOUND_PREFIX };

/** The function the receipt rule's Lambda action invokes (asynchronously: it gets a failure queue). */
export const INBOUND_MAIL_FUNCTION: FunctionId = 'IntakeEmail';

/** SES's inbound endpoint of a region: the MX record the receiving domain needs. */
export const inboundSmtpHost = (region: string) => `inbound-smtp.${region}.amazonaws.com`;

export interface ReceiptRuleNames {
  ruleSetName: string;
  ruleName: string;
}

/**
 * The rule set's and rule's names, fixed per stage: the bucket policy (stateful stack) names the
 * rule in its `aws:SourceArn` condition without referencing the stack that creates the rule, and
 * the rule set keeps its name (and so its activation) across deployments.
 */
export function receiptRuleNames(config: Pick<PsaConfig, 'stage'>): ReceiptRuleNames {
  return { ruleSetName: `psa-${config.stage}-inbound`, ruleName: `psa-${config.stage}-support` };
}

/** `arn:<partition>:ses:<region>:<account>:receipt-rule-set/<set>:receipt-rule/<rule>`: SES's SourceArn. */
export function receiptRuleArn(scope: Construct, names: ReceiptRuleNames): string {
  return Stack.of(scope).formatArn({
    service: 'ses',
    resource: 'receipt-rule-set',
    resourceName: `${names.ruleSetName}:receipt-rule/${names.ruleName}`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * Lets SES store received mail in the bucket: `s3:PutObject` under INBOUND_PREFIX only, and only
 * for this account's receipt rule (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html).
 * Called by the stack that owns the bucket (a bucket has exactly one policy).
 */
export function allowSesToStoreInboundMail(bucket: IBucket, config: Pick<PsaConfig, 'stage'>): void {
  const result = bucket.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowSesReceiptRulePutInbound',
      principals: [new ServicePrincipal('ses.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${INBOUND_PREFIX}*`)],
      conditions: {
        StringEquals: {
          'aws:SourceAccount': Aws.ACCOUNT_ID,
          'aws:SourceArn': receiptRuleArn(bucket, receiptRuleNames(config)),
        },
      },
    }),
  );
  if (!result.statementAdded) throw new Error('the blob bucket has no policy to let SES store mail in');
}

/** The S3 action, without the L2 action's side effect of adding its own bucket policy statement. */
class StoreRawMail implements IReceiptRuleAction {
  private readonly bucket: IBucket;
  constructor(bucket: IBucket) {
    this.bucket = bucket;
  }
  bind(): ReceiptRuleActionConfig {
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: INBOUND_PREFIX } };
  }
}

/** The Lambda action, asynchronous: SES does not wait for (or retry on) the function's result. */
class InvokeAsync implements IReceiptRuleAction {
  private readonly fn: IFunction;
  constructor(fn: IFunction) {
    this.fn = fn;
  }
  bind(): ReceiptRuleActionConfig {
    return { lambdaAction: { functionArn: this.fn.functionArn, invocationType: 'Event' } };
  }
}

export interface EmailReceivingProps {
  config: PsaConfig;
  /** The blob bucket; its policy must already let SES put under INBOUND_PREFIX (allowSesToStoreInboundMail). */
  bucket: IBucket;
  /** The IntakeEmail function. */
  handler: IFunction;
}

/**
 * Email intake through SES: one receipt rule set with one rule for `config.emailRecipients`
 * (spam and virus scan on, TLS required) that first stores the raw message in the blob bucket
 * under INBOUND_PREFIX (key `inbound/<SES message id>`), then invokes IntakeEmail with the
 * receipt event. SES evaluates actions in order, so the object exists when the function runs.
 *
 * CloudFormation cannot make a rule set the active one (only one is active per account and
 * region): the outputs name the rule set and the command that activates it.
 */
export class EmailReceiving extends Construct {
  readonly ruleSet: ReceiptRuleSet;
  readonly rule: ReceiptRule;

  constructor(scope: Construct, id: string, props: EmailReceivingProps) {
    super(scope, id);
    const { config } = props;
    const names = receiptRuleNames(config);
    const ruleArn = receiptRuleArn(this, names);

    // SES checks at rule creation that it may invoke the function: the rule depends on this.
    const permission = new CfnPermission(this, 'SesInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: props.handler.functionArn,
      principal: 'ses.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: ruleArn,
    });

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: names.ruleSetName });
    this.rule = new ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      receiptRuleName: names.ruleName,
      recipients: config.emailRecipients,
      enabled: true,
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [new StoreRawMail(props.bucket), new InvokeAsync(props.handler)],
    });
    this.rule.node.addDependency(permission);

    const region = Stack.of(this).region;
    new CfnOutput(this, 'ReceiptRuleSetName', {
      key: 'ReceiptRuleSetName',
      value: this.ruleSet.receiptRuleSetName,
      description: 'SES receipt rule set of the support mailbox; it must be the active one',
    });
    new CfnOutput(this, 'ActivateReceiptRuleSetCommand', {
      key: 'ActivateReceiptRuleSetCommand',
      value: `aws ses set-active-receipt-rule-set --rule-set-name ${names.ruleSetName} --region ${region}`,
      description:
        'Run once after the first deployment (CloudFormation cannot activate a rule set; this replaces the active one of the account and region)',
    });
    new CfnOutput(this, 'MxRecord', {
      key: 'MxRecord',
      value: `${config.emailDomain}. MX 10 ${inboundSmtpHost(region)}`,
      description: 'The MX record the receiving domain needs',
    });
  }
}
