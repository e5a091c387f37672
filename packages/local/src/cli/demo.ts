import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { seeded } from '../chaos/prng.ts';
import { type RuntimeProcess, startRuntime } from '../chaos/runtime-process.ts';
import { defaultDataDir } from '../config.ts';
import { type Action, parseCorpus, planDemo, REQUESTERS } from '../demo/plan.ts';
import { main as token } from './token.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CORPUS = join(ROOT, 'test/corpus/tickets/topics-train.csv');
const TENANT = 'acme';
const MONTH_MS = 30 * 24 * 3600_000;

/**
 * `psa demo [--months 3] [--per-day 6] [--seed demo]`: fills the demo tenant with realistic months,
 * through the real intake, so the dashboard has something to show on a fresh start.
 *
 * Time: the intake stamps every ticket with its own clock (it takes no backdated receivedAt), so
 * the demo runs the local runtime itself, on the data folder, with its clock started `--months`
 * back (`PSA_CLOCK_START`) and clock control on (`PSA_CLOCK_CONTROL`): before each action it moves
 * the clock forward to the action's time, once everything the previous one set off is done. So
 * routing, SLA clocks, sweeps, month closes, digests and pulse invitations all run at the times
 * they would have. Stop `npm start` first (the data folder takes one runtime); start it after.
 */
export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      months: { type: 'string', default: '3' },
      'per-day': { type: 'string', default: '6' },
      seed: { type: 'string', default: 'demo' },
      'data-dir': { type: 'string', default: defaultDataDir() },
    },
  });
  const months = Number(values.months);
  const perDay = Number(values['per-day']);
  if (!(months > 0 && months <= 24) || !(perDay > 0 && perDay <= 200)) {
    process.stderr.write('usage: psa demo [--months 1-24] [--per-day N] [--seed S] [--data-dir D]\n');
    return 2;
  }
  const dataDir = resolve(values['data-dir']!);
  const end = Date.now();
  const start = Math.floor((end - months * MONTH_MS) / 3600_000) * 3600_000;
  const plan = planDemo({
    from: start + 60_000,
    to: end - 60_000,
    perDay,
    corpus: parseCorpus(await readFile(CORPUS, 'utf8')),
    random: seeded(values.seed!),
  });
  await mkdir(dataDir, { recursive: true });
  let runtime: RuntimeProcess;
  try {
    runtime = await startRuntime(
      dataDir,
      { PSA_CLOCK_START: new Date(start).toISOString(), PSA_CLOCK_CONTROL: 'on' },
      join(dataDir, 'demo-runtime.log'),
    );
  } catch (err) {
    process.stderr.write(
      `cannot start the local runtime on ${dataDir} (is npm start running on it?)\n${String(err)}\n`,
    );
    return 1;
  }
  try {
    const tally = await run(plan, runtime, dataDir, out);
    out(JSON.stringify({ from: new Date(start).toISOString(), to: new Date(end).toISOString(), ...tally }));
    return 0;
  } finally {
    await runtime.stop();
  }
}

async function run(plan: Action[], runtime: RuntimeProcess, dataDir: string, log: (line: string) => void) {
  const http = runtime.endpoints.http;
  const mint = async (...args: string[]) => {
    let printed = '';
    const code = await token([...args, '--tenant', TENANT, '--data-dir', dataDir], (l) => {
      printed = l;
    });
    if (code !== 0) throw new Error(`psa token ${args.join(' ')} failed`);
    return printed;
  };
  const tokens = {
    internal: await mint('--role', 'internal', '--email', 'it-lead@acme.example'),
    partner: await mint('--role', 'partner', '--email', 'dispatch@msp.example'),
    requesters: new Map<string, string>(),
  };
  for (const r of REQUESTERS) tokens.requesters.set(r, await mint('--role', 'requester', '--email', r));
  const call = async (method: string, path: string, bearer: string | null, body?: unknown) => {
    const res = await fetch(`${http}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the demo reads the API's JSON loosely.
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const existing = await call('GET', `/v1/tenants/${TENANT}/tickets?limit=1`, tokens.internal);
  if (existing.body?.items?.length)
    throw new Error(`tenant ${TENANT} has tickets already: the demo fills a fresh data folder`);
  const moveTo = (at: number) => call('POST', '/_local/clock', null, { at: new Date(at).toISOString() });
  const smtp = nodemailer.createTransport(runtime.endpoints.smtp!);
  const ids = new Map<number, { id: string; owner: string; subject: string }>();
  const tally = {
    tickets: 0,
    byMail: 0,
    alerts: 0,
    responses: 0,
    handoffs: 0,
    resolved: 0,
    ratings: 0,
    pulse: 0,
  };

  /** The ticket a mail opened: the newest with its subject (the clock move waited for the intake). */
  const findBySubject = async (subject: string) => {
    const page = await call('GET', `/v1/tenants/${TENANT}/tickets?limit=50`, tokens.internal);
    return (page.body?.items ?? []).find((t: { subject: string }) => t.subject === subject);
  };
  const known = async (n: number) => {
    const t = ids.get(n);
    if (!t) return null;
    const now = await call('GET', `/v1/tenants/${TENANT}/tickets/${t.id}`, tokens.internal);
    if (now.status !== 200) return null;
    t.owner = now.body.owner;
    return now.body as { id: string; owner: string; status: string; key: string };
  };
  const sideToken = (owner: string) => (owner === 'internal' ? tokens.internal : tokens.partner);

  for (const [i, a] of plan.entries()) {
    await moveTo(a.at);
    if (i % 200 === 0) log(`[demo] ${new Date(a.at).toISOString().slice(0, 16)} ${i}/${plan.length} actions`);
    if (a.kind === 'arrive') {
      if (a.channel === 'web') {
        const res = await call(
          'POST',
          `/v1/tenants/${TENANT}/tickets`,
          tokens.requesters.get(a.requester)!,
          a.text,
        );
        if (res.status === 201) ids.set(a.ticket, { id: res.body.id, owner: '', subject: a.text.subject });
      } else {
        await smtp.sendMail({
          from: a.requester,
          to: `support@${TENANT}.example`,
          subject: a.text.subject,
          text: a.text.body,
        });
        await moveTo(a.at + 1000);
        const t = await findBySubject(a.text.subject);
        if (t) ids.set(a.ticket, { id: t.id, owner: '', subject: a.text.subject });
        tally.byMail++;
      }
      tally.tickets++;
    } else if (a.kind === 'alert') {
      await smtp.sendMail({
        from: 'nagios@monitoring.acme.example',
        to: `support@${TENANT}.example`,
        subject: a.subject,
        text: `${a.subject}\nState: CRITICAL (check ${a.repeat + 1})`,
      });
      if (a.repeat === 0) {
        await moveTo(a.at + 1000);
        const t = await findBySubject(a.subject);
        if (t) ids.set(a.ticket, { id: t.id, owner: '', subject: a.subject });
        tally.alerts++;
      }
    } else if (a.kind === 'pulse') {
      const res = await call('POST', `/v1/tenants/${TENANT}/pulse`, tokens.internal, {
        month: a.month,
        score: a.score,
        ...(a.comment ? { comment: a.comment } : {}),
      });
      if (res.status === 201) tally.pulse++;
    } else {
      const t = await known(a.ticket);
      if (!t?.owner) continue;
      const done = t.status === 'resolved' || t.status === 'closed';
      if (done !== (a.kind === 'rate')) continue;
      const as = sideToken(t.owner);
      const path = `/v1/tenants/${TENANT}/tickets/${t.id}`;
      if (a.kind === 'respond' && t.status === 'new') {
        if ((await call('POST', `${path}/status`, as, { status: 'acknowledged' })).status === 200)
          tally.responses++;
      } else if (a.kind === 'handoff' && t.owner === 'partner') {
        const res = await call('POST', `${path}/reassign`, as, {
          to: 'internal',
          reason: 'needs an internal decision (access to a finance system)',
        });
        if (res.status === 200) tally.handoffs++;
      } else if (a.kind === 'reply') {
        await call(
          'POST',
          `${path}/messages`,
          as,
          a.note
            ? { visibility: 'shared', text: 'Checked the logs; working on it.' }
            : { visibility: 'public', text: 'We are on it and will update you shortly.' },
        );
      } else if (a.kind === 'resolve') {
        if ((await call('POST', `${path}/status`, as, { status: 'resolved' })).status === 200)
          tally.resolved++;
      } else if (a.kind === 'rate') {
        const link = await ratingToken(dataDir, t.id);
        if (
          link &&
          (await call('POST', `/public/ratings/${link}`, null, { rating: a.rating })).status === 200
        )
          tally.ratings++;
      }
    }
  }
  await moveTo(Date.now());
  smtp.close();
  return tally;
}

/** The rating link's token of a ticket's resolution mail, from the local outbox folder. */
async function ratingToken(dataDir: string, ticketId: string): Promise<string | null> {
  const dir = join(dataDir, 'outbox');
  const file = (await readdir(dir).catch(() => [] as string[])).find((f) =>
    f.startsWith(`resolved.${ticketId}.`),
  );
  if (!file) return null;
  const text = (await readFile(join(dir, file), 'utf8')).replace(/=\r?\n/g, '');
  return /\/rate\/([A-Za-z0-9_-]{43})\/good/.exec(text)?.[1] ?? null;
}
