/** A plain-text RFC 5322 message as a mail client would send it, for intake tests. */
export function rawMail(m: {
  from: string;
  subject: string;
  messageId: string;
  body: string;
  to?: string;
  inReplyTo?: string;
  references?: string[];
}): string {
  const headers = [
    `From: ${m.from}`,
    `To: ${m.to ?? 'support@acme.example'}`,
    `Subject: ${m.subject}`,
    `Message-ID: <${m.messageId}>`,
    'Date: Tue, 16 Jun 2026 10:00:00 -0400',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    // Folded one id a line, as long headers are (RFC 5322 2.2.3).
    ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join('\r\n ')}`] : []),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${m.body.replace(/\r?\n/g, '\r\n')}\r\n`;
}
