import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '@psa/mime/parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyMail, quarantineReason } from '../src/domain/email/classify.ts';
import { receiveEmail } from '../src/domain/email/receive-email.ts';
import { type Intake, startIntake } from './support.ts';

/**
 * Every real-world message of test/corpus/mail through the email handler's use case, as SES
 * would deliver it: none may crash it, and each becomes a ticket (whose requester, subject and
 * body are what the parser read) or a quarantine entry with a reason, or, for a bounce or
 * auto-reply that matches no ticket, nothing. The parser's own corpus test checks the parsed
 * values against the expectations of the projects the mail comes from.
 */

/**
 * The messages of the corpus that can never become a ticket: 17 have no From header at all, 2 have
 * a From without a usable address (rfc/004 "Moderator-Address", thirdparty/007 "moderator").
 */
const NO_USABLE_SENDER = [
  'mailparser/mixed.eml',
  ...['000', '001', '002', '003', '006', '010', '011', '012', '014'].map(
    (n) => `stalwart-mail-parser/malformed/${n}.eml`,
  ),
  ...['004', '007', '008'].map((n) => `stalwart-mail-parser/rfc/${n}.eml`),
  ...['001', '004', '005', '007', '010', '013'].map((n) => `stalwart-mail-parser/thirdparty/${n}.eml`),
].sort();
const CORPUS = fileURLToPath(new URL('../../../test/corpus/mail/', import.meta.url));
const files = [
  'mailparser',
  'stalwart-mail-parser/legacy',
  'stalwart-mail-parser/malformed',
  'stalwart-mail-parser/rfc',
  'stalwart-mail-parser/thirdparty',
]
  .flatMap((dir) =>
    readdirSync(join(CORPUS, dir))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => `${dir}/${f}`),
  )
  .sort();

let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

describe('the real-world mail corpus through email intake', () => {
  it('has the corpus to run', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it('refuses exactly the messages without a usable sender, each with a reason', async () => {
    const refused: string[] = [];
    for (const file of files) {
      const parsed = await parseMail(new Uint8Array(readFileSync(join(CORPUS, file))));
      const reason = parsed.ok ? quarantineReason(parsed.mail) : parsed.reason;
      if (reason !== null) {
        expect(reason, file).toMatch(/sender|From/);
        refused.push(file);
      }
    }
    expect(refused).toEqual(NO_USABLE_SENDER);
  });

  it.each(files)('%s becomes a ticket, a quarantine entry, or a note, never a crash', async (file) => {
    const raw = new Uint8Array(readFileSync(join(CORPUS, file)));
    const rawKey = `inbound/${file}`;
    await intake.deps.blobs.put(rawKey, raw);
    const [outcome] = await receiveEmail({ rawKey, recipients: ['support@acme.example'] }, intake.deps);
    const parsed = await parseMail(raw);
    if (!outcome) throw new Error('no outcome');
    if (outcome.outcome === 'quarantined') {
      expect(outcome.reason.length).toBeGreaterThan(0);
      // Unusable mail, or a bounce/auto-reply that matches no ticket (kept and flagged, never a ticket).
      expect(
        !parsed.ok ||
          quarantineReason(parsed.mail) !== null ||
          ['bounce', 'auto-reply', 'own'].includes(classifyMail(parsed.mail, ['support@acme.example']).kind),
      ).toBe(true);
      const listed = await intake.deps.mail.listQuarantine('acme', 100);
      expect(listed.items.some((q) => q.rawKey === rawKey && q.reason === outcome.reason)).toBe(true);
      return;
    }
    if (!parsed.ok) throw new Error(`parsed badly but not quarantined: ${parsed.reason}`);
    expect(['created', 'threaded', 'folded', 'noted', 'duplicate']).toContain(outcome.outcome);
    if (outcome.outcome !== 'created') return;
    const ticket = await intake.deps.tickets.get('acme', outcome.ticketId);
    expect(ticket?.channel).toBe('email');
    expect(ticket?.requester.email).toBe(parsed.mail.from!.address.toLowerCase());
    expect(ticket?.subject).toBe(parsed.mail.subject.trim() || '(no subject)');
    expect(ticket?.body).toBe(parsed.mail.text);
    const messages = await intake.deps.messages.list('acme', outcome.ticketId);
    expect(messages[0]?.attachments.map((a) => a.name)).toEqual(
      parsed.mail.attachments.map((a) => a.filename),
    );
  });
});
