import { describe, expect, it } from 'vitest';
import { trimQuotedReply } from '../src/quote.ts';

describe('trimQuotedReply', () => {
  it('Gmail: "On … wrote:" (also wrapped) and > lines', () => {
    expect(
      trimQuotedReply(`Thanks, that fixed it.

On Tue, Jun 3, 2025 at 10:00 AM Support <support@helpdesk.example.com> wrote:
> Please restart the spooler.
>
> Regards`),
    ).toBe('Thanks, that fixed it.');
    expect(
      trimQuotedReply(`Works now.

On Tue, Jun 3, 2025 at 10:00 AM ACME Support Desk <
support@helpdesk.example.com> wrote:

> Please restart the spooler.`),
    ).toBe('Works now.');
  });

  it('Outlook: -----Original Message----- and From/Sent/To/Subject blocks (after ____ or alone)', () => {
    expect(
      trimQuotedReply(`Done.

-----Original Message-----
From: Support
Sent: Tuesday, June 3, 2025 10:00 AM
Subject: printer`),
    ).toBe('Done.');
    expect(
      trimQuotedReply(`Still failing, see attached.

________________________________
From: Support <support@helpdesk.example.com>
Sent: Tuesday, June 3, 2025 10:00
To: Jane Doe
Subject: RE: [ACME-1042] printer

Please restart.`),
    ).toBe('Still failing, see attached.');
    expect(
      trimQuotedReply(`Yes please.
From: Support <support@helpdesk.example.com>
Sent: Tuesday, June 3, 2025 10:00
To: Jane Doe
Subject: RE: printer`),
    ).toBe('Yes please.');
  });

  it('Apple Mail attribution with quoted lines', () => {
    expect(
      trimQuotedReply(`Great, thank you!

> On 3 Jun 2025, at 10:00, ACME Support <support@helpdesk.example.com> wrote:
>
> Your ticket is resolved.`),
    ).toBe('Great, thank you!');
    expect(
      trimQuotedReply(`Great!

On 3 Jun 2025, at 10:00, ACME Support <support@helpdesk.example.com> wrote:

> Your ticket is resolved.`),
    ).toBe('Great!');
  });

  it('German and French attributions and Outlook headers', () => {
    expect(
      trimQuotedReply(`Danke, geht wieder.

Am 03.06.2025 um 10:00 schrieb Support <support@helpdesk.example.com>:
> Bitte neu starten.`),
    ).toBe('Danke, geht wieder.');
    expect(
      trimQuotedReply(`Passt.

Von: Support <support@helpdesk.example.com>
Gesendet: Dienstag, 3. Juni 2025 10:00
An: Max Mustermann
Betreff: AW: Drucker`),
    ).toBe('Passt.');
    expect(
      trimQuotedReply(`Merci, c'est réglé.

Le mar. 3 juin 2025 à 10:00, Support <support@helpdesk.example.com> a écrit :
> Veuillez redémarrer.`),
    ).toBe("Merci, c'est réglé.");
  });

  it('signature delimiter, mobile signature, interleaved quotes', () => {
    expect(trimQuotedReply('All good.\n\n-- \nJane Doe\nACME Corp')).toBe('All good.');
    expect(trimQuotedReply('On my way.\n\nSent from my iPhone')).toBe('On my way.');
    expect(trimQuotedReply('> Which printer?\nThe one on floor 2.\n> Since when?\nSince Monday.')).toBe(
      'The one on floor 2.\nSince Monday.',
    );
  });

  it('keeps text that is not a reply, and returns the original when everything is quoted', () => {
    const plain = 'The printer on floor 2 shows error 0x42.\nIt started on Monday.';
    expect(trimQuotedReply(plain)).toBe(plain);
    expect(trimQuotedReply('> only\n> quoted\n')).toBe('> only\n> quoted');
    expect(trimQuotedReply('I wrote: the vendor says no.\nWhat now?')).toBe(
      'I wrote: the vendor says no.\nWhat now?',
    );
    const forwarded =
      'FYI\n\n---------- Forwarded message ---------\nFrom: Vendor <v@x.example>\nDate: Mon\nSubject: EOL\nTo: me\n\nEnd of life.';
    expect(trimQuotedReply(forwarded)).toBe(forwarded);
  });
});
