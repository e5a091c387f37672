import { describe, expect, it } from 'vitest';
import { parsed } from './support.ts';

describe('parseMail: delivery reports', () => {
  it('reads a DSN (multipart/report): recipients, and the original Message-ID from the returned message', async () => {
    const mail = await parsed(`From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@helpdesk.example.com
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown
--r
Content-Type: message/rfc822

From: support@helpdesk.example.com
To: gone@customer.example
Subject: [ACME-1042] We received your request
Message-ID: <t-1042.ack@helpdesk.example.com>

Thanks.
--r--
`);
    expect(mail.headers).toMatchObject({ isDeliveryReport: true, reportType: 'delivery-status' });
    // the returned message is ours: listed, but not part of the text
    expect(mail.text).toBe("I'm sorry to have to inform you that your message could not be delivered.");
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['message/delivery-status', 'message/rfc822']);
    expect(mail.embedded.map((e) => e.messageId)).toEqual(['t-1042.ack@helpdesk.example.com']);
    expect(mail.deliveryReport).toEqual({
      reportType: 'delivery-status',
      recipients: [
        {
          finalRecipient: 'gone@customer.example',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      originalMessageId: 't-1042.ack@helpdesk.example.com',
      disposition: null,
    });
  });

  it('reads the original of a text/rfc822-headers bounce, and of a read receipt (MDN)', async () => {
    const headersOnly = await parsed(`From: postmaster@mx.example.net
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

Delivery failed.
--r
Content-Type: text/rfc822-headers

From: support@helpdesk.example.com
Message-ID: <ack-77@helpdesk.example.com>
Subject: hello
--r--
`);
    expect(headersOnly.headers.isDeliveryReport).toBe(true);
    expect(headersOnly.embedded).toEqual([
      expect.objectContaining({ messageId: 'ack-77@helpdesk.example.com', headersOnly: true, text: '' }),
    ]);
    expect(headersOnly.deliveryReport?.originalMessageId).toBe('ack-77@helpdesk.example.com');

    const mdn = await parsed(`From: Jane <jane@customer.example>
Subject: Read: [ACME-5] hello
Content-Type: multipart/report; report-type=disposition-notification; boundary="r"

--r
Content-Type: text/plain

Your message was displayed.
--r
Content-Type: message/disposition-notification

Final-Recipient: rfc822; jane@customer.example
Original-Message-ID: <ack-5@helpdesk.example.com>
Disposition: manual-action/MDN-sent-manually; displayed
--r--
`);
    expect(mdn.headers.isDeliveryReport).toBe(true);
    expect(mdn.deliveryReport).toEqual({
      reportType: 'disposition-notification',
      recipients: [
        { finalRecipient: 'jane@customer.example', action: null, status: null, diagnosticCode: null },
      ],
      originalMessageId: 'ack-5@helpdesk.example.com',
      disposition: 'manual-action/MDN-sent-manually; displayed',
    });
  });
});
