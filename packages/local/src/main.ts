import { parseConfig } from '@psa/aws/config';
import { LocalConfigSchema } from './config.ts';
import { startLocalStack } from './stack.ts';

/** `npm start`: the whole system on embedded emulators. Ctrl-C stops it cleanly. */
const config = parseConfig(LocalConfigSchema, process.env);
const stack = await startLocalStack(config);
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
  data folder  ${config.PSA_DATA_DIR} (endpoints.json written there)
  token        npm run -s psa -- token --tenant acme --role internal
Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await stack.stop();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
