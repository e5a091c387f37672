import { parseConfig } from '@psa/aws/config';
import { LocalConfigSchema } from './config.ts';
import { DataFolderInUseError } from './data-lock.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/** How long Ctrl-C lets requests, SMTP sessions and deliveries in flight finish. */
const GRACE_MS = 5_000;

/**
 * `npm start`: the whole system on embedded emulators. Ctrl-C (or SIGTERM) stops accepting at
 * once, lets what is in flight finish for a few seconds, and exits; a second Ctrl-C exits at
 * once. Whatever was accepted and not finished stays in the data folder and resumes at the next
 * start, as it does after a crash.
 */
const config = parseConfig(LocalConfigSchema, process.env);
let stack: LocalStack;
try {
  stack = await startLocalStack(config);
} catch (err) {
  if (!(err instanceof DataFolderInUseError)) throw err;
  console.error(`cannot start: ${err.message}`);
  process.exit(1);
}
const e = stack.endpoints;
console.log(`co-managed IT ticket routing is running (ready ${Math.round(process.uptime() * 1000)} ms after start)
  web app      ${e.web}   (sign in as alice@acme.example, it-lead@acme.example, ...)
  HTTP API     ${e.http}   (OpenAPI: ${e.http}/openapi.json)
  SMTP intake  ${e.smtp}   (send to support@acme.example)
  outgoing mail ${config.PSA_SMTP_RELAY ?? `${config.PSA_DATA_DIR}/outbox/*.eml`}
  DynamoDB     ${e.dynamodb}
  SQS / S3     ${e.sqs}
  queues       partner  ${e.queues.partner}
               internal ${e.queues.internal}
               triage   ${e.queues.triage}
  data folder  ${config.PSA_DATA_DIR} (endpoints.json written there; dead letters in dead-letters/)
  token        npm run -s psa -- token --tenant acme --role internal
Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) {
    console.log(`${signal} again: exiting now; what was accepted resumes at the next start.`);
    process.exit(130);
  }
  stopping = true;
  const t0 = Date.now();
  console.log(
    `\n${signal}: stopping (no new requests or mail; up to ${GRACE_MS / 1000} s for those in flight)...`,
  );
  // Should a part of the stack hang past its grace, leave anyway: nothing accepted is only in memory.
  setTimeout(() => {
    console.log('not stopped in time: exiting.');
    process.exit(1);
  }, GRACE_MS + 10_000).unref();
  const { cutRequests, pendingDeliveries } = await stack.stop({ graceMs: GRACE_MS });
  const notes = [
    cutRequests > 0 ? `${cutRequests} requests cut off` : '',
    pendingDeliveries > 0 ? `${pendingDeliveries} deliveries pending, resumed at the next start` : '',
  ].filter(Boolean);
  console.log(`stopped in ${Date.now() - t0} ms${notes.length ? ` (${notes.join('; ')})` : ''}.`);
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
