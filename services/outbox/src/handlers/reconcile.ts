import { composeOutbox } from '../composition.ts';
import { reconcile } from '../domain/reconcile.ts';

const deps = composeOutbox(process.env);

/** Scheduled every minute: re-deliver outbox entries that a crash or an outage left behind. */
export const handler = async (): Promise<{ records: number; failures: number }> => reconcile(deps);
