import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLoad } from './support/load.ts';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * The local runtime promises what AWS promises: whatever it acknowledged (a 201 for a ticket, a
 * 250 for a mail) survives a SIGKILL. Tickets arrive over HTTP and mail over SMTP while the
 * process is killed; restarted on the same data folder, it finishes the work: every
 * acknowledged ticket routed, every acknowledged mail a ticket or a quarantine entry, and no
 * ticket listed twice.
 */
let dataDir: string | undefined;
let system: RunningSystem | undefined;

afterAll(async () => {
  await system?.stop();
  if (dataDir) await removeDataDir(dataDir);
});

interface ListedTicket {
  id: string;
  subject: string;
  owner: string | null;
}

async function allTickets(http: string, token: string): Promise<ListedTicket[]> {
  const out: ListedTicket[] = [];
  let cursor: string | undefined;
  do {
    const page = await api(http, token).get(
      `/v1/tenants/acme/tickets?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`list answered ${page.status}: ${JSON.stringify(page.body)}`);
    out.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function quarantinedSubjects(http: string, token: string): Promise<string[]> {
  const page = await api(http, token).get('/v1/tenants/acme/mail/quarantine');
  return (page.body.items ?? []).map((m: { subject: string }) => m.subject);
}

describe('a SIGKILL while tickets and mail arrive', () => {
  it('loses nothing acknowledged: after a restart every ticket is routed, every mail is a ticket or quarantined, none twice', async () => {
    dataDir = await newDataDir();
    system = await startSystem(dataDir);
    const token = await mintToken(dataDir, [
      '--tenant',
      'acme',
      '--role',
      'internal',
      '--email',
      'it@acme.example',
    ]);
    const load = startLoad({
      http: system.endpoints.http,
      smtp: system.endpoints.smtp!,
      token,
      tag: 'crash',
    });

    // Kill it in the thick of it: once enough is acknowledged that routing lags behind intake.
    await eventually(
      async () => ({ tickets: load.tickets.length, mails: load.mails.length }),
      (n) => n.tickets >= 150 && n.mails >= 8,
      60_000,
    );
    await system.kill();
    await load.done;
    const acknowledged = { tickets: [...load.tickets], mails: [...load.mails] };

    const killedAt = Date.now();
    system = await startSystem(dataDir);
    const restartedAt = Date.now();
    const { http } = system.endpoints;
    const resumed = /resuming (\d+) deliveries/.exec(system.output())?.[1] ?? '0';

    // Every acknowledged ticket gets its owner; poll until then, failing loudly at the deadline.
    await eventually(
      async () => {
        const unrouted: string[] = [];
        for (const id of acknowledged.tickets) {
          const t = await api(http, token).get(`/v1/tenants/acme/tickets/${id}`);
          if (t.status !== 200 || !t.body.owner) unrouted.push(id);
        }
        return { unrouted: unrouted.length, of: acknowledged.tickets.length, first: unrouted.slice(0, 3) };
      },
      (r) => r.unrouted === 0,
      180_000,
    );
    const acknowledgedRouted = Date.now();
    // Every acknowledged mail became a routed ticket or a quarantine entry, and every ticket
    // listed is routed: also those stored just before the kill whose 201 never left (the outbox
    // reconciler publishes them once they are older than its grace period).
    let tickets: ListedTicket[] = [];
    await eventually(
      async () => {
        tickets = await allTickets(http, token);
        const quarantined = new Set(await quarantinedSubjects(http, token));
        const routedSubjects = new Set(tickets.filter((t) => t.owner).map((t) => t.subject));
        const missing = acknowledged.mails.filter((s) => !routedSubjects.has(s) && !quarantined.has(s));
        const unrouted = tickets.filter((t) => !t.owner).map((t) => t.id);
        // Named in the failure message, so a miss says where the work went.
        const deadLetters = await readdir(join(dataDir!, 'dead-letters')).catch(() => []);
        return { missingMails: missing, unroutedTickets: unrouted, deadLetters };
      },
      (r) => r.missingMails.length === 0 && r.unroutedTickets.length === 0,
      180_000,
    );
    const converged = Date.now();

    const ids = tickets.map((t) => t.id);
    expect(new Set(ids).size, 'a ticket id is listed twice').toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(acknowledged.tickets));
    const web = tickets.filter((t) => t.subject.includes('crash web')).length;

    console.log(
      `SIGKILL figures: acknowledged ${acknowledged.tickets.length} tickets and ${acknowledged.mails.length} mails; ` +
        `in flight at the kill ${load.unanswered.tickets} requests and ${load.unanswered.mails} mails; ` +
        `${resumed} deliveries resumed at restart; restart took ${restartedAt - killedAt} ms; ` +
        `acknowledged tickets routed ${acknowledgedRouted - restartedAt} ms and everything converged ` +
        `${converged - restartedAt} ms after the restart; ${ids.length} tickets listed ` +
        `(${web - acknowledged.tickets.length} web tickets stored but never acknowledged)`,
    );
  }, 420_000);
});
