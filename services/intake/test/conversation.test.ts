import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { hashRatingToken } from '@psa/model/satisfaction';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intake, startIntake, token, WEB_URL } from './support.ts';

/**
 * The conversation API in process: who may add which message, who reads which, what is mailed
 * and threaded, what counts as the first response, and the satisfaction link's rules.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const TICKETS = '/v1/tenants/acme/tickets';
const tokens = {
  internal: () => token({ role: 'internal', email: 'it-lead@acme.example', sub: 'it' }),
  partner: () => token({ role: 'partner', email: 'dispatch@msp.example', sub: 'msp' }),
  leadership: () => token({ role: 'leadership', email: 'coo@acme.example', sub: 'coo' }),
  pat: () => token({ role: 'requester', email: 'pat@acme.example' }),
  sam: () => token({ role: 'requester', email: 'sam@acme.example' }),
};
type Who = keyof typeof tokens;

async function submit(subject = 'Printer jammed', extra: Record<string, unknown> = {}) {
  const res = await intake.call('POST', TICKETS, {
    token: await tokens.pat(),
    body: { subject, body: 'It makes a grinding noise.', ...extra },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
}

/** Posts a message a second after the last one (messages are ordered by when they arrived). */
const post = async (who: Who, id: string, body: Record<string, unknown>) => {
  intake.clock.advance(1000);
  return intake.call('POST', `${TICKETS}/${id}/messages`, { token: await tokens[who](), body });
};
const texts = async (who: Who, id: string) => {
  const res = await intake.call('GET', `${TICKETS}/${id}/messages`, { token: await tokens[who]() });
  expect(res.status).toBe(200);
  return (res.body.items as { text: string }[]).map((m) => m.text);
};
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('messages and their visibility', () => {
  it('shows the requester only the public conversation, the partner no internal note, internal IT all', async () => {
    const { id } = await submit();
    await intake.assignOwner('acme', id, 'partner');
    expect((await post('partner', id, { visibility: 'public', text: 'We are on our way.' })).status).toBe(
      201,
    );
    expect((await post('internal', id, { visibility: 'internal', text: 'Lease ends in May.' })).status).toBe(
      201,
    );
    expect((await post('partner', id, { visibility: 'shared', text: 'Needs a new fuser.' })).status).toBe(
      201,
    );
    expect((await post('pat', id, { visibility: 'public', text: 'Thanks!' })).status).toBe(201);

    const request = 'It makes a grinding noise.';
    expect(await texts('pat', id)).toEqual([request, 'We are on our way.', 'Thanks!']);
    expect(await texts('partner', id)).toEqual([
      request,
      'We are on our way.',
      'Needs a new fuser.',
      'Thanks!',
    ]);
    expect(await texts('internal', id)).toEqual([
      request,
      'We are on our way.',
      'Lease ends in May.',
      'Needs a new fuser.',
      'Thanks!',
    ]);
    // The ticket view and the list carry the same filtered conversation.
    const view = await intake.call('GET', `${TICKETS}/${id}`, { token: await tokens.pat() });
    expect(view.body.messages.map((m: { text: string }) => m.text)).toEqual([
      request,
      'We are on our way.',
      'Thanks!',
    ]);
    const list = await intake.call('GET', `${TICKETS}?limit=100`, { token: await tokens.pat() });
    const mine = list.body.items.find((t: { id: string }) => t.id === id);
    expect(JSON.stringify(mine.messages)).not.toMatch(/Lease ends|fuser/);
  });

  it('refuses notes from a requester, internal notes from the partner, and anything from leadership', async () => {
    const { id } = await submit();
    await intake.assignOwner('acme', id, 'partner');
    expect((await post('pat', id, { visibility: 'internal', text: 'x' })).status).toBe(403);
    expect((await post('pat', id, { visibility: 'shared', text: 'x' })).status).toBe(403);
    expect((await post('partner', id, { visibility: 'internal', text: 'x' })).status).toBe(403);
    expect((await post('leadership', id, { visibility: 'public', text: 'x' })).status).toBe(403);
    expect((await post('internal', id, { visibility: 'secret', text: 'x' })).status).toBe(400);
  });

  it('hides internal-owned tickets from the partner entirely, and others’ tickets from a requester', async () => {
    const { id } = await submit();
    await intake.assignOwner('acme', id, 'internal');
    expect(
      (await post('internal', id, { visibility: 'shared', text: 'Shared, but internal-owned.' })).status,
    ).toBe(201);
    expect((await post('partner', id, { visibility: 'public', text: 'x' })).status).toBe(404);
    const read = await intake.call('GET', `${TICKETS}/${id}/messages`, { token: await tokens.partner() });
    expect(read.status).toBe(404);
    expect((await post('sam', id, { visibility: 'public', text: 'x' })).status).toBe(404);
  });

  it('keeps attachments in the blob store and serves a note’s only to those who may read the note', async () => {
    const { id } = await submit('Broken screen', {
      attachments: [{ name: 'photo.txt', contentType: 'text/plain', content: b64('a cracked screen') }],
    });
    await intake.assignOwner('acme', id, 'partner');
    const view = await intake.call('GET', `${TICKETS}/${id}`, { token: await tokens.pat() });
    const [request] = view.body.messages;
    expect(request.attachments).toMatchObject([{ name: 'photo.txt', size: 16, stored: true }]);
    const file = await intake.call('GET', `${TICKETS}/${id}/attachments/${request.attachments[0].id}`, {
      token: await tokens.pat(),
    });
    expect(file.status).toBe(200);

    const note = await post('internal', id, {
      visibility: 'internal',
      text: 'Quote attached.',
      attachments: [{ name: 'quote.txt', contentType: 'text/plain', content: b64('EUR 300') }],
    });
    const attachmentId = note.body.attachments[0].id;
    const path = `${TICKETS}/${id}/attachments/${attachmentId}`;
    expect((await intake.call('GET', path, { token: await tokens.internal() })).status).toBe(200);
    expect((await intake.call('GET', path, { token: await tokens.partner() })).status).toBe(404);
    expect((await intake.call('GET', path, { token: await tokens.pat() })).status).toBe(404);
  });

  it('refuses an attachment over the tenant’s email limit, naming it', async () => {
    const dow = (await intake.deps.tenants.getDivisionOfWork('acme'))!;
    await intake.deps.tenants.putDivisionOfWork({
      ...dow,
      version: dow.version + 1,
      emailIntake: { ...dow.emailIntake, maxAttachmentBytes: 10 },
    });
    const { id } = await submit();
    const res = await post('pat', id, {
      visibility: 'public',
      text: 'Here is the log.',
      attachments: [{ name: 'log.txt', contentType: 'text/plain', content: b64('eleven bytes') }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'body.attachments.0' });
    await intake.deps.tenants.putDivisionOfWork({ ...dow, version: dow.version + 2 });
  });
});

describe('a public reply by mail', () => {
  it('mails staff’s public reply to the requester, threaded with the ticket token and Message-IDs; never a note', async () => {
    const { id, key } = await submit('VPN drops');
    await intake.assignOwner('acme', id, 'partner');
    const before = intake.mailer.sent.length;
    await post('internal', id, { visibility: 'internal', text: 'Known issue with the firewall.' });
    await post('partner', id, { visibility: 'shared', text: 'Checking the concentrator.' });
    await post('pat', id, { visibility: 'public', text: 'It dropped again.' });
    expect(intake.mailer.sent.length).toBe(before);

    await post('partner', id, { visibility: 'public', text: 'Please update your VPN client.' });
    await post('internal', id, { visibility: 'public', text: 'Did that help?' });
    const [first, second] = intake.mailer.sent.slice(before);
    expect(intake.mailer.sent.length).toBe(before + 2);
    expect(first).toMatchObject({
      to: 'pat@acme.example',
      from: 'support@acme.example',
      subject: `Re: [${key}] VPN drops`,
      inReplyTo: `ticket.${id}@acme.example`,
      references: [`ticket.${id}@acme.example`],
    });
    expect(first!.text).toContain('Please update your VPN client.');
    expect(first!.text).not.toMatch(/firewall|concentrator/);
    // The second answers the first: its parent is the first reply, the root stays first.
    expect(second!.inReplyTo).toBe(first!.messageId);
    expect(second!.references).toEqual([`ticket.${id}@acme.example`, first!.messageId]);
    // A requester's mail answer finds the ticket by either id.
    expect(await intake.deps.messages.ticketForMessageId('acme', first!.messageId)).toBe(id);
    expect(await intake.deps.messages.ticketForMessageId('acme', `ticket.${id}@acme.example`)).toBe(id);

    const events = intake.bus.ofType('TicketMessageAdded').filter((e) => e.detail.ticketId === id);
    expect(events.map((e) => e.detail.visibility)).toEqual([
      'internal',
      'shared',
      'public',
      'public',
      'public',
    ]);
    expect(JSON.stringify(events)).not.toMatch(/firewall|VPN client/);
  });
});

describe('the first response', () => {
  const firstRespondedAt = async (id: string) =>
    (await intake.deps.tickets.get('acme', id))!.firstRespondedAt;

  it('is the owning side’s first public reply; notes, the other side and the requester do not count', async () => {
    const { id } = await submit();
    await intake.assignOwner('acme', id, 'partner');
    await post('partner', id, { visibility: 'shared', text: 'Looking.' });
    await post('internal', id, { visibility: 'public', text: 'Internal here.' });
    await post('pat', id, { visibility: 'public', text: 'Any news?' });
    expect(await firstRespondedAt(id)).toBeNull();
    intake.clock.advance(5 * 60_000);
    await post('partner', id, { visibility: 'public', text: 'On it.' });
    const at = intake.clock.now().toISOString();
    expect(await firstRespondedAt(id)).toBe(at);
    intake.clock.advance(5 * 60_000);
    await post('partner', id, { visibility: 'public', text: 'Still on it.' });
    expect(await firstRespondedAt(id)).toBe(at);
  });

  it('a requester’s portal reply puts a ticket waiting on them back in progress', async () => {
    const { id } = await submit();
    await intake.assignOwner('acme', id, 'partner');
    const wait = await intake.call('POST', `${TICKETS}/${id}/status`, {
      token: await tokens.partner(),
      body: { status: 'waiting_on_customer' },
    });
    expect(wait.status).toBe(200);
    await post('pat', id, { visibility: 'public', text: 'Here you go.' });
    const ticket = (await intake.deps.tickets.get('acme', id))!;
    expect(ticket.status).toBe('in_progress');
    expect(ticket.history.at(-1)).toMatchObject({ to: 'in_progress', by: { role: 'requester' } });
  });
});

describe('the satisfaction link', () => {
  async function resolved(owner: 'partner' | 'internal' = 'partner') {
    const { id, key } = await submit('Slow laptop');
    await intake.assignOwner('acme', id, owner);
    const before = intake.mailer.sent.length;
    const res = await intake.call('POST', `${TICKETS}/${id}/status`, {
      token: await tokens[owner](),
      body: { status: 'resolved' },
    });
    expect(res.status).toBe(200);
    const mail = intake.mailer.sent.slice(before).find((m) => m.text.includes('/rate/'))!;
    const link = new RegExp(`${WEB_URL}/rate/([A-Za-z0-9_-]{43})/good`).exec(mail.text);
    return { id, key, mail, token: link![1]! };
  }
  const rate = (t: string, body: unknown) => intake.call('POST', `/public/ratings/${t}`, { body });

  it('mails the requester a threaded resolution with good, okay and bad links', async () => {
    const { id, key, mail } = await resolved();
    expect(mail).toMatchObject({ to: 'pat@acme.example', subject: `Re: [${key}] Slow laptop` });
    expect(mail.references![0]).toBe(`ticket.${id}@acme.example`);
    expect(mail.text).toMatch(/\/okay\n/);
    expect(mail.text).toMatch(/\/bad\n/);
  });

  it('rates once without a bearer token, attributed to the side that resolved it; the link then is used up', async () => {
    const { id, key, token: t } = await resolved('partner');
    // Reassigned after resolution: the rating is still the partner's.
    await intake.assignOwner('acme', id, 'internal');
    const first = await rate(t, { rating: 'good' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ key, rating: 'good' });
    const again = await rate(t, { rating: 'bad' });
    expect(again.status).toBe(410);
    expect(again.body.error.message).toMatch(/already used/);
    const ticket = (await intake.deps.tickets.get('acme', id))!;
    expect(ticket.satisfaction).toMatchObject({ rating: 'good', owner: 'partner', comment: null });
    expect(intake.bus.ofType('TicketRated').find((e) => e.detail.ticketId === id)?.detail).toMatchObject({
      rating: 'good',
      owner: 'partner',
    });

    // The optional comment: once, with the same link.
    const comment = await intake.call('POST', `/public/ratings/${t}/comment`, {
      body: { comment: 'Quick, thanks' },
    });
    expect(comment.status).toBe(200);
    expect((await intake.deps.tickets.get('acme', id))!.satisfaction?.comment).toBe('Quick, thanks');
    const twice = await intake.call('POST', `/public/ratings/${t}/comment`, { body: { comment: 'More' } });
    expect(twice.status).toBe(410);
  });

  it('keeps only the token’s hash, and knows no made-up or altered token', async () => {
    const { token: t } = await resolved();
    expect(await intake.deps.ratings!.get(hashRatingToken(t))).toMatchObject({ usedAt: null });
    // Once the mail went out, nothing stored holds the token itself.
    const scan = await intake.table.doc.send(new ScanCommand({ TableName: intake.table.tableName }));
    const dump = JSON.stringify(scan.Items);
    expect(dump).toContain(hashRatingToken(t));
    expect(dump).not.toContain(t);
    const altered = `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`;
    expect((await rate(altered, { rating: 'good' })).status).toBe(404);
    expect((await rate('short', { rating: 'good' })).status).toBe(400);
  });

  it('expires after 14 days', async () => {
    const { token: t } = await resolved();
    intake.clock.advance(14 * 24 * 3600_000 + 60_000);
    const late = await rate(t, { rating: 'okay' });
    expect(late.status).toBe(410);
    expect(late.body.error.message).toMatch(/expired/);
  });

  it('allows one rating per ticket even when a reopened ticket is resolved again', async () => {
    const { id, token: first } = await resolved();
    expect((await rate(first, { rating: 'bad' })).status).toBe(200);
    const internal = await tokens.partner();
    await intake.call('POST', `${TICKETS}/${id}/status`, { token: internal, body: { status: 'reopened' } });
    const before = intake.mailer.sent.length;
    await intake.call('POST', `${TICKETS}/${id}/status`, { token: internal, body: { status: 'resolved' } });
    // Already rated: the second resolution asks for no rating.
    expect(intake.mailer.sent.slice(before).some((m) => m.text.includes('/rate/'))).toBe(false);
  });
});
