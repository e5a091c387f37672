/**
 * Who reads and writes which messages (pure). Reading a ticket at all is decided by ../access.ts;
 * within a ticket one may see, a requester reads only the public conversation and the partner
 * never reads internal notes.
 */
import type { Principal } from '@psa/http/auth';
import { ForbiddenError } from '@psa/model/errors';
import { type MessageVisibility, type TicketMessage, visibilityOf } from '@psa/model/ticket';

const READABLE: Record<Principal['role'], ReadonlySet<MessageVisibility>> = {
  internal: new Set(['public', 'shared', 'internal']),
  partner: new Set(['public', 'shared']),
  requester: new Set(['public']),
  leadership: new Set(),
};

const WRITABLE: Record<Principal['role'], ReadonlySet<MessageVisibility>> = {
  internal: new Set(['public', 'shared', 'internal']),
  partner: new Set(['public', 'shared']),
  requester: new Set(['public']),
  leadership: new Set(),
};

export const canReadMessage = (
  principal: Principal,
  message: Pick<TicketMessage, 'kind' | 'visibility'>,
): boolean => READABLE[principal.role].has(visibilityOf(message));

/** Only the messages `principal` may read, of a ticket they may see. */
export const visibleMessages = <M extends Pick<TicketMessage, 'kind' | 'visibility'>>(
  principal: Principal,
  messages: readonly M[],
): M[] => messages.filter((m) => canReadMessage(principal, m));

export function assertCanWrite(principal: Principal, visibility: MessageVisibility): void {
  if (!WRITABLE[principal.role].has(visibility)) {
    throw new ForbiddenError(`role '${principal.role}' may not add a ${visibility} message`);
  }
}
