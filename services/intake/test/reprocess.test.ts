import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from '@psa/contracts/wiring';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveEmail } from '../src/domain/email/receive-email.ts';
import { rawMail } from './raw-mail.ts';
import { type Intake, startIntake, token } from './support.ts';

/**
 * Re-processing a quarantined mail is served by its own function (IntakeReprocessApi), so the MIME
 * parser stays out of IntakeApi; its answer is what it always was: what the mail became, at once.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const QUARANTINE = '/v1/tenants/acme/mail/quarantine';
const internal = () => token({ role: 'internal', email: 'it@acme.example', sub: 'it' });
const partner = () => token({ role: 'partner', email: 'dispatch@msp.example', sub: 'msp' });

async function setMaxMessageBytes(bytes: number) {
  const dow = (await intake.deps.tenants.getDivisionOfWork('acme'))!;
  await intake.deps.tenants.putDivisionOfWork({
    ...dow,
    version: dow.version + 1,
    emailIntake: { ...dow.emailIntake, maxMessageBytes: bytes },
  });
}

async function receive(rawKey: string, raw: string) {
  await intake.deps.blobs.put(rawKey, raw);
  const [outcome] = await receiveEmail({ rawKey, recipients: ['support@acme.example'] }, intake.deps);
  return outcome;
}

describe('re-processing a quarantined mail', () => {
  it('answers the ticket a mail became once its limit was raised, and marks the entry re-processed', async () => {
    const dow = (await intake.deps.tenants.getDivisionOfWork('acme'))!;
    const raw = rawMail({
      from: 'Pat <pat@acme.example>',
      subject: 'Scanner offline',
      messageId: 'reprocess-1@acme.example',
      body: 'The scanner on floor 2 is offline since this morning.',
    });
    await setMaxMessageBytes(100);
    const quarantined = await receive('inbound/reprocess-1', raw);
    expect(quarantined).toMatchObject({ outcome: 'quarantined', reason: expect.stringMatching(/limit/) });
    await setMaxMessageBytes(dow.emailIntake.maxMessageBytes);
    const list = await intake.call('GET', QUARANTINE, { token: await internal() });
    // Refused before parsing: the entry has the reason, no subject.
    const entry = list.body.items.find(
      (m: { reason: string }) => m.reason === (quarantined as { reason: string }).reason,
    );

    const path = `${QUARANTINE}/${entry.id}/reprocess`;
    expect((await intake.call('POST', path, { token: await partner() })).status).toBe(403);
    const res = await intake.call('POST', path, { token: await internal() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'created', ticketId: expect.any(String) });
    const ticket = await intake.call('GET', `/v1/tenants/acme/tickets/${res.body.ticketId}`, {
      token: await internal(),
    });
    expect(ticket.body).toMatchObject({ subject: 'Scanner offline', channel: 'email' });
    const after = await intake.call('GET', `${QUARANTINE}/${entry.id}`, { token: await internal() });
    expect(after.body.status).toBe('reprocessed');
  });

  it('answers the reason when the mail is still unusable', async () => {
    await receive('inbound/reprocess-2', 'Subject: nobody sent this\r\n\r\nno From header\r\n');
    const list = await intake.call('GET', QUARANTINE, { token: await internal() });
    const entry = list.body.items.find((m: { subject: string }) => m.subject === 'nobody sent this');
    const res = await intake.call('POST', `${QUARANTINE}/${entry.id}/reprocess`, { token: await internal() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'quarantined', reason: expect.stringMatching(/From/) });
  });

  it('answers 404 for a mail that is not in the quarantine', async () => {
    const res = await intake.call('POST', `${QUARANTINE}/nope/reprocess`, { token: await internal() });
    expect(res.status).toBe(404);
  });
});

/**
 * What a handler's bundle can reach: its module graph through relative imports and `@psa/*`
 * subpaths (by their exports maps), type-only imports left out as esbuild leaves them out; the
 * npm packages reached are collected, not followed.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const workspaceExports = new Map<string, { dir: string; exports: Record<string, string> }>(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces.map(
    (w) => {
      const m = JSON.parse(readFileSync(join(ROOT, w, 'package.json'), 'utf8')) as {
        name: string;
        exports?: Record<string, string>;
      };
      return [m.name, { dir: join(ROOT, w), exports: m.exports ?? {} }];
    },
  ),
);

function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          named &&
          ts.isNamedImports(named) &&
          named.elements.length > 0 &&
          named.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (specifier.startsWith('@psa/')) {
        const [scope, name, ...sub] = specifier.split('/');
        const target = workspaceExports.get(`${scope}/${name}`);
        const path = target?.exports[['.', ...sub].join('/')];
        if (!target || !path) throw new Error(`${file}: cannot resolve ${specifier}`);
        visit(join(target.dir, path));
      } else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  };
  visit(join(ROOT, entry));
  return { files, packages };
}

const entryOf = (id: string) => FUNCTIONS.find((f) => f.id === id)!.entry;
const MIME_PARSER = join(ROOT, 'packages/mime/src/parse.ts');

describe('the MIME parser', () => {
  it('is out of IntakeApi’s module graph: no route it serves parses mail', () => {
    const api = reach(entryOf('IntakeApi'));
    expect(api.files.has(MIME_PARSER)).toBe(false);
    expect([...api.packages].filter((p) => /mailparser|html-to-text|sanitize-html/.test(p))).toEqual([]);
  });

  it('is in the graphs of the two functions that parse mail: IntakeEmail and IntakeReprocessApi', () => {
    for (const id of ['IntakeEmail', 'IntakeReprocessApi']) {
      const { files } = reach(entryOf(id));
      expect(files.has(MIME_PARSER), id).toBe(true);
    }
  });
});
