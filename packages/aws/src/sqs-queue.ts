import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue, QueueMessage, QueueName } from '@psa/model/ports';

export class SqsQueue implements Queue {
  private readonly client: SQSClient;
  private readonly urls: Record<QueueName, string>;
  constructor(client: SQSClient, urls: Record<QueueName, string>) {
    this.client = client;
    this.urls = urls;
  }

  async send(queue: QueueName, message: QueueMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.urls[queue],
        MessageBody: message.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        ),
      }),
    );
  }
}
