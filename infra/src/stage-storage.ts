import { Duration } from 'aws-cdk-lib';
import { type BucketProps, type LifecycleRule, StorageClass } from 'aws-cdk-lib/aws-s3';
import { removalPolicyOf, type StageSettings } from './stages.ts';

/**
 * The blob bucket's lifecycle, from the stage. Superseded versions (with versioning) and
 * abandoned uploads go; raw mail under `mailPrefix` moves to Glacier Instant Retrieval after
 * `mailArchiveAfterDays` (it is read when it arrives and, rarely, when a quarantined mail is
 * reprocessed; Glacier IR still reads in milliseconds; S3 leaves objects under 128 KB, most
 * mail, in Standard, where the class's 128 KB billing minimum would cost more than it saves) and
 * is deleted after `mailExpirationDays` only where the stage says so (prod keeps what it accepted).
 */
export function blobLifecycleRules(stage: StageSettings, mailPrefix: string): LifecycleRule[] {
  const rules: LifecycleRule[] = [
    {
      abortIncompleteMultipartUploadAfter: Duration.days(1),
      ...(stage.blobVersioning
        ? { noncurrentVersionExpiration: Duration.days(stage.noncurrentVersionExpirationDays) }
        : {}),
    },
  ];
  if (stage.mailArchiveAfterDays !== null || stage.mailExpirationDays !== null) {
    rules.push({
      prefix: mailPrefix,
      ...(stage.mailArchiveAfterDays !== null
        ? {
            transitions: [
              {
                storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: Duration.days(stage.mailArchiveAfterDays),
              },
            ],
          }
        : {}),
      ...(stage.mailExpirationDays !== null ? { expiration: Duration.days(stage.mailExpirationDays) } : {}),
    });
  }
  return rules;
}

/**
 * A bucket's removal: retained, or destroyed with the stack. CloudFormation cannot delete a bucket
 * that holds objects, so a destroyed bucket is emptied first (CDK's auto-delete custom resource).
 */
export function bucketRemoval(
  stage: StageSettings,
): Pick<BucketProps, 'removalPolicy' | 'autoDeleteObjects'> {
  const removalPolicy = removalPolicyOf(stage);
  return stage.removalPolicy === 'destroy' ? { removalPolicy, autoDeleteObjects: true } : { removalPolicy };
}
