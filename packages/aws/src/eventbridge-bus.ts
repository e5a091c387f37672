import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BusEvent } from '@psa/model/events';
import type { EventBus } from '@psa/model/ports';

/** PutEvents takes at most 10 entries a call (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
const MAX_ENTRIES = 10;

export class EventBridgeBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly busName: string;
  constructor(client: EventBridgeClient, busName: string) {
    this.client = client;
    this.busName = busName;
  }

  async publish(events: BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const batch = events.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: e.source,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
            ...(e.time ? { Time: new Date(e.time) } : {}),
          })),
        }),
      );
      // PutEvents reports per-entry failures with a 200; treat any as a failed publish so the
      // outbox keeps the entries and the reconciler tries again.
      if ((out.FailedEntryCount ?? 0) > 0) {
        const first = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `PutEvents failed ${out.FailedEntryCount} entries: ${first?.ErrorCode} ${first?.ErrorMessage}`,
        );
      }
    }
  }
}
