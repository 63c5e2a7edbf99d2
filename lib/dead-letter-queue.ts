import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue that keeps what could not be processed for the longest time SQS allows, so an
 * operator can inspect and redrive it. It is the last stop: it has no dead-letter queue itself.
 */
export class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string, props: { readonly purpose: string }) {
    super(scope, id, {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue for ${props.purpose}.`,
    });
  }
}
