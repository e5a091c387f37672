import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsSafeJson } from '@psa/contracts/queue-message';
import type { Queue, QueueMessage, QueueName } from '@psa/model/ports';

/**
 * Whether SQS refused a body for its characters: `InvalidMessageContents`, which the SDK may
 * name by its query-protocol code `AWS.SimpleQueueService.InvalidMessageContents`.
 */
const refusedContents = (err: unknown) =>
  /(^|\.)InvalidMessageContents$/.test((err as { name?: string }).name ?? '');

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The hand-over queues on SQS. Bodies are JSON ({@link sqsSafeJson} already escapes what SQS
 * refuses). The local SQS emulator also refuses characters beyond U+FFFF (emoji), which SQS
 * takes: a body refused for its characters is sent once more with those written as JSON
 * escapes, which any JSON reader reads as the same text. SQS itself never refuses such a body,
 * so what AWS delivers is the body as given.
 */
export class SqsQueue implements Queue {
  private readonly client: SQSClient;
  private readonly urls: Record<QueueName, string>;
  constructor(client: SQSClient, urls: Record<QueueName, string>) {
    this.client = client;
    this.urls = urls;
  }

  async send(queue: QueueName, message: QueueMessage): Promise<void> {
    try {
      await this.sendBody(queue, message.body, message.attributes);
    } catch (err) {
      if (!refusedContents(err) || !isJson(message.body)) throw err;
      const escaped = sqsSafeJson(message.body, { escapeBeyondBmp: true });
      if (escaped === message.body) throw err;
      await this.sendBody(queue, escaped, message.attributes);
    }
  }

  private async sendBody(queue: QueueName, body: string, attributes: Record<string, string>): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.urls[queue],
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        ),
      }),
    );
  }
}
