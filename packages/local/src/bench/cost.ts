/**
 * The cost model: tickets carried through the real local pipeline one at a time, every AWS request
 * the functions make metered by ./cost-meter.ts and every invocation timed, priced per 10,000
 * tickets with ./aws-prices.json. Web tickets (HTTP API) and email tickets (SES receiving) apart.
 */
import { readFileSync } from 'node:fs';
import { FUNCTIONS, SCHEDULES } from '@psa/contracts/wiring';
import { signToken } from '@psa/http/auth';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { observeInvocations } from '../invocations.ts';
import { providerSigningKey } from '../oidc/keys.ts';
import { API_AUDIENCE } from '../oidc/provider.ts';
import type { LocalStack } from '../stack.ts';
import { emptyUsage, meterAwsRequests, type Usage } from './cost-meter.ts';
import { type Goal, meetsGoal, record } from './figures.ts';

interface Prices {
  region: string;
  asOf: string;
  usd: Record<
    | 'lambdaArm64PerGbSecond'
    | 'lambdaPerMillionRequests'
    | 'httpApiPerMillionRequests'
    | 'dynamodbPerMillionWriteRequestUnits'
    | 'dynamodbPerMillionReadRequestUnits'
    | 'eventbridgePerMillionCustomEvents'
    | 'sqsStandardPerMillionRequests'
    | 's3StandardPerThousandPutRequests'
    | 's3StandardPerThousandGetRequests'
    | 'sesPerThousandOutboundMessages'
    | 'sesPerThousandInboundMessages'
    | 'sesPerThousandInbound256KbChunks',
    number
  >;
}

export const PRICES = JSON.parse(
  readFileSync(new URL('./aws-prices.json', import.meta.url), 'utf8'),
) as Prices;

/** The issue's goal for web tickets; email tickets are shown apart, without one. */
export const WEB_COST_GOAL_USD_PER_10K = 0.2;

const MEMORY_MB = new Map<string, number>(FUNCTIONS.map((f) => [f.id, f.memoryMb]));
/** Scheduled functions run on the clock, not per ticket: a fixed monthly cost, left out here. */
const SCHEDULED = new Set<string>(SCHEDULES.map((s) => s.functionId));

/** What `tickets` tickets used, from the functions' requests and invocations. */
export interface Measured {
  tickets: number;
  byFunction: Map<string, { invocations: number; billedMs: number; gbSeconds: number; http: number }>;
  usage: Usage;
  /** The same, by function: where the units go. */
  usageByFunction: Map<string, Usage>;
  /** Email only: mails SES received, their 256 KB chunks, and the S3 PUT of each raw message. */
  sesInbound: { messages: number; chunks: number };
}

/** Per-ticket quantities and the cost of 10,000 tickets, by service. */
export function priceOf(m: Measured, prices: Prices = PRICES) {
  const per = (n: number) => n / m.tickets;
  const fns = [...m.byFunction.values()];
  const q = {
    lambdaInvocations: per(fns.reduce((s, f) => s + f.invocations, 0)),
    lambdaGbSeconds: per(fns.reduce((s, f) => s + f.gbSeconds, 0)),
    apiRequests: per(fns.reduce((s, f) => s + f.http, 0)),
    readUnits: per(m.usage.readUnits),
    writeUnits: per(m.usage.writeUnits),
    dynamoCalls: per(Object.values(m.usage.dynamoCalls).reduce((a, b) => a + b, 0)),
    events: per(m.usage.events),
    sqsRequests: per(m.usage.sqsRequests),
    s3Put: per(m.usage.s3Put + m.sesInbound.messages),
    s3Get: per(m.usage.s3Get),
    sesOut: per(m.usage.sesMessages),
    sesIn: per(m.sesInbound.messages),
    sesInChunks: per(m.sesInbound.chunks),
  };
  const usd = prices.usd;
  const T = 10_000;
  const million = (n: number, price: number) => (n * T * price) / 1e6;
  const thousand = (n: number, price: number) => (n * T * price) / 1e3;
  const cost = {
    lambda:
      million(q.lambdaInvocations, usd.lambdaPerMillionRequests) +
      q.lambdaGbSeconds * T * usd.lambdaArm64PerGbSecond,
    apiGateway: million(q.apiRequests, usd.httpApiPerMillionRequests),
    dynamodb:
      million(q.readUnits, usd.dynamodbPerMillionReadRequestUnits) +
      million(q.writeUnits, usd.dynamodbPerMillionWriteRequestUnits),
    eventbridge: million(q.events, usd.eventbridgePerMillionCustomEvents),
    sqs: million(q.sqsRequests, usd.sqsStandardPerMillionRequests),
    s3:
      thousand(q.s3Put, usd.s3StandardPerThousandPutRequests) +
      thousand(q.s3Get, usd.s3StandardPerThousandGetRequests),
    ses:
      thousand(q.sesOut, usd.sesPerThousandOutboundMessages) +
      thousand(q.sesIn, usd.sesPerThousandInboundMessages) +
      thousand(q.sesInChunks, usd.sesPerThousandInbound256KbChunks),
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  return { perTicket: q, per10k: cost, total };
}

/** Meters `run` (which carries `tickets` tickets through the pipeline, one at a time). */
async function measure(stack: LocalStack, tickets: number, run: () => Promise<void>): Promise<Measured> {
  const usage = new Map<string, Usage>();
  const byFunction: Measured['byFunction'] = new Map();
  const usageFor = (id: string) => {
    const u = usage.get(id) ?? emptyUsage();
    usage.set(id, u);
    return u;
  };
  const stopTiming = observeInvocations(({ functionId, http }, ms) => {
    const f = byFunction.get(functionId) ?? { invocations: 0, billedMs: 0, gbSeconds: 0, http: 0 };
    // Lambda bills each invocation's duration rounded up to the millisecond, at its memory.
    const billed = Math.ceil(ms);
    f.invocations += 1;
    f.billedMs += billed;
    f.gbSeconds += (billed / 1000) * ((MEMORY_MB.get(functionId) ?? 128) / 1024);
    if (http) f.http += 1;
    byFunction.set(functionId, f);
  });
  const stopMeter = meterAwsRequests(usageFor, { dynamodbEndpoint: stack.endpoints.dynamodb });
  try {
    await stack.bus.idle();
    await run();
    await stack.bus.idle();
  } finally {
    stopMeter();
    stopTiming();
  }
  const total = emptyUsage();
  for (const [id, u] of usage) {
    if (SCHEDULED.has(id)) continue;
    total.readUnits += u.readUnits;
    total.writeUnits += u.writeUnits;
    total.events += u.events;
    total.sqsRequests += u.sqsRequests;
    total.s3Put += u.s3Put;
    total.s3Get += u.s3Get;
    total.sesMessages += u.sesMessages;
    for (const [op, n] of Object.entries(u.dynamoCalls))
      total.dynamoCalls[op] = (total.dynamoCalls[op] ?? 0) + n;
  }
  for (const id of SCHEDULED) {
    byFunction.delete(id);
    usage.delete(id);
  }
  return {
    tickets,
    byFunction,
    usage: total,
    usageByFunction: usage,
    sesInbound: { messages: 0, chunks: 0 },
  };
}

async function webTickets(stack: LocalStack, dataDir: string, tickets: number): Promise<Measured> {
  const token = await signToken(
    await providerSigningKey(dataDir),
    { tenant: 'acme', role: 'internal', email: 'it@acme.example' },
    { issuer: stack.endpoints.issuer, audience: API_AUDIENCE },
  );
  return measure(stack, tickets, async () => {
    for (let i = 0; i < tickets; i++) {
      const res = await fetch(`${stack.endpoints.http}/v1/tenants/acme/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: i % 2 ? 'VPN keeps dropping' : 'Laptop screen cracked',
          body: 'cost model ticket',
          requester: { email: `user${i % 20}@acme.example` },
        }),
      });
      if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      // One at a time: each invocation's duration is its own, not a share of a busy machine.
      await stack.bus.idle();
    }
  });
}

async function emailTickets(stack: LocalStack, tickets: number): Promise<Measured> {
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: Number(new URL(stack.endpoints.smtp!).port),
    secure: false,
    ignoreTLS: true,
  });
  let chunks = 0;
  try {
    const measured = await measure(stack, tickets, async () => {
      for (let i = 0; i < tickets; i++) {
        const raw = await new MailComposer({
          from: `"User ${i}" <user${i}@acme.example>`,
          to: 'support@acme.example',
          subject: `Printer on floor ${i} jams (#${i})`,
          messageId: `<cost-${i}-${Date.now()}@acme.example>`,
          text: `Hello,\n\nThe printer on floor ${i} jams on every job.\n\nThanks,\nUser ${i}\n`,
          html: `<p>Hello,</p><p>The printer on floor ${i} jams on <b>every</b> job.</p><p>Thanks,<br>User ${i}</p>`,
        })
          .compile()
          .build();
        chunks += Math.ceil(raw.length / (256 * 1024));
        await smtp.sendMail({
          envelope: { from: `user${i}@acme.example`, to: ['support@acme.example'] },
          raw,
        });
        await stack.bus.idle();
      }
    });
    return { ...measured, sesInbound: { messages: tickets, chunks } };
  } finally {
    smtp.close();
  }
}

const usd = (n: number) => `$${n.toFixed(4)}`;

function print(label: string, m: Measured, goal?: Goal): void {
  const { perTicket: q, per10k, total } = priceOf(m);
  const fns = [...m.byFunction]
    .map(
      ([id, f]) =>
        `${id} ${+(f.invocations / m.tickets).toFixed(2)}x ${Math.round(f.billedMs / f.invocations)}ms@${MEMORY_MB.get(id)}MB`,
    )
    .join(', ');
  const ok = goal
    ? `  goal ${usd('max' in goal ? goal.max : goal.min)}: ${meetsGoal({ value: total, goal }) ? 'yes' : 'NO'}`
    : '';
  console.log(`cost: ${label} (${m.tickets} tickets, one at a time)  per 10,000 tickets ${usd(total)}${ok}`);
  console.log(`  per ticket: Lambda ${fns}`);
  console.log(
    `  per ticket: ${+q.lambdaInvocations.toFixed(2)} invocations, ${+q.lambdaGbSeconds.toFixed(4)} GB-s, ${+q.apiRequests.toFixed(2)} API requests, ` +
      `DynamoDB ${+q.readUnits.toFixed(2)} RRU + ${+q.writeUnits.toFixed(2)} WRU in ${+q.dynamoCalls.toFixed(2)} calls, ` +
      `${+q.events.toFixed(2)} events, ${+q.sqsRequests.toFixed(2)} SQS requests, S3 ${+q.s3Put.toFixed(2)} PUT + ${+q.s3Get.toFixed(2)} GET, ` +
      `SES ${+q.sesOut.toFixed(2)} sent + ${+q.sesIn.toFixed(2)} received`,
  );
  const dynamo = [...m.usageByFunction]
    .map(
      ([id, u]) =>
        `${id} ${+(u.readUnits / m.tickets).toFixed(2)} RRU + ${+(u.writeUnits / m.tickets).toFixed(2)} WRU`,
    )
    .join(', ');
  console.log(`  per ticket: DynamoDB by function: ${dynamo}`);
  console.log(
    `  per 10,000: ${Object.entries(per10k)
      .map(([k, v]) => `${k} ${usd(v)}`)
      .join(', ')}`,
  );
  const name = `cost ${label}`;
  record(`${name}: per 10,000 tickets`, +total.toFixed(4), 'USD', goal);
  for (const [k, v] of Object.entries(per10k))
    record(`${name}: ${k} per 10,000 tickets`, +v.toFixed(4), 'USD');
  const units: Record<keyof typeof q, string> = {
    lambdaInvocations: 'count',
    lambdaGbSeconds: 'GB-s',
    apiRequests: 'count',
    readUnits: 'RRU',
    writeUnits: 'WRU',
    dynamoCalls: 'count',
    events: 'count',
    sqsRequests: 'count',
    s3Put: 'count',
    s3Get: 'count',
    sesOut: 'count',
    sesIn: 'count',
    sesInChunks: 'count',
  };
  for (const [k, v] of Object.entries(q))
    record(`${name}: ${k} per ticket`, +v.toFixed(4), units[k as keyof typeof q]);
}

/** `npm run bench`'s cost section: web tickets against the goal, email tickets shown apart. */
export async function benchCost(
  { stack, dataDir }: { stack: LocalStack; dataDir: string },
  { web = 40, email = 20 } = {},
): Promise<void> {
  console.log(
    `\ncost model: ${PRICES.region} on-demand list prices of ${PRICES.asOf} (packages/local/src/bench/aws-prices.json), arm64, memory as the CDK app configures`,
  );
  print('web', await webTickets(stack, dataDir, web), { max: WEB_COST_GOAL_USD_PER_10K });
  print('email', await emailTickets(stack, email));
}
