import { isOpenStatus, type Owner, type Ticket } from '@psa/model/ticket';

/**
 * A ticket's time in the internal open backlog, from its own history: it counts from its arrival
 * while it is open (resolved or closed stops it, reopened restarts it) and owned by internal (its
 * routed owner, then each handoff at its time).
 */

export const OWNERS: readonly Owner[] = ['partner', 'internal', 'triage'];

/** The owner the router gave a ticket, before any handoff; null when it is not routed yet. */
export function routedOwner(t: Ticket): Owner | null {
  if (!t.routing) return null;
  return t.handoffs?.[0]?.from ?? t.owner;
}

/** A +1/-1 change of the internal open backlog; `seq` orders arrivals at the same instant. */
export interface BacklogEvent {
  at: number;
  seq: number;
  delta: 1 | -1;
}

/** Non-arrival changes at an instant apply before any arrival at it (intervals are half-open). */
export const CHANGE_SEQ = -1;

/** A binary min-heap of backlog events by (at, seq). */
export class EventHeap {
  private readonly items: BacklogEvent[] = [];
  private static less(a: BacklogEvent, b: BacklogEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(e: BacklogEvent): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!EventHeap.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  /** Sum of the deltas of every event before (at, seq), removing them. */
  drainBefore(at: number, seq: number): number {
    const h = this.items;
    let sum = 0;
    while (h.length > 0 && (h[0]!.at < at || (h[0]!.at === at && h[0]!.seq < seq))) {
      sum += h[0]!.delta;
      const last = h.pop()!;
      if (h.length === 0) break;
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && EventHeap.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && EventHeap.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return sum;
  }
}

/**
 * When a ticket was in the internal open backlog, as +1/-1 events: from its arrival with
 * `initialOwner`, through its status changes and handoffs in time order.
 */
export function backlogEvents(t: Ticket, initialOwner: Owner, seq: number): BacklogEvent[] {
  const received = Date.parse(t.receivedAt);
  const changes: { at: number; open?: boolean; owner?: Owner }[] = [
    ...t.history.map((h) => ({ at: Date.parse(h.at), open: isOpenStatus(h.to) })),
    ...(t.handoffs ?? []).map((h) => ({ at: Date.parse(h.at), owner: h.to })),
  ].sort((a, b) => a.at - b.at);
  let open = true;
  let owner = initialOwner;
  let inBacklog = owner === 'internal';
  const out: BacklogEvent[] = inBacklog ? [{ at: received, seq, delta: 1 }] : [];
  for (const c of changes) {
    if (c.open !== undefined) open = c.open;
    if (c.owner !== undefined) owner = c.owner;
    const now = open && owner === 'internal';
    if (now !== inBacklog) {
      out.push({ at: Math.max(c.at, received), seq: CHANGE_SEQ, delta: now ? 1 : -1 });
      inBacklog = now;
    }
  }
  return out;
}
