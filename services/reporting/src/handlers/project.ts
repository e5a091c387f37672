import { EVENT_CATALOG, EventBridgeEnvelopeSchema } from '@psa/model/events';
import { composeReporting } from '../composition.ts';
import { projectTicket } from '../domain/project.ts';

const deps = composeReporting(process.env);

/** EventBridge rule target: any ticket or SLA event -> that ticket's month fact. */
export const handler = async (event: unknown): Promise<void> => {
  const envelope = EventBridgeEnvelopeSchema.parse(event);
  const contract = EVENT_CATALOG.find(
    (c) => c.detailType === envelope['detail-type'] && c.source === envelope.source,
  );
  if (!contract) throw new Error(`unexpected event ${envelope.source}/${envelope['detail-type']}`);
  const detail = contract.schema.parse(envelope.detail) as { tenantId: string; ticketId?: string };
  if (!detail.ticketId) return;
  await projectTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
