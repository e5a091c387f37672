import { type ParsedMail, parseMail } from '../src/parse.ts';

/** A raw message from lines joined with CRLF (template literal lines are trimmed of a common indent). */
export function eml(text: string): Uint8Array {
  return Buffer.from(text.replace(/^\n/, '').replace(/\r?\n/g, '\r\n'), 'utf8');
}

export async function parsed(raw: Uint8Array | string): Promise<ParsedMail> {
  const result = await parseMail(typeof raw === 'string' ? eml(raw) : raw);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.reason}`);
  return result.mail;
}

export function simple(headers: string, body = 'Hello, my printer is broken.'): string {
  return `From: Jane Doe <jane@customer.example>
To: support@helpdesk.example.com
Subject: Printer broken
Message-ID: <m1@customer.example>
Date: Tue, 03 Jun 2025 10:00:00 +0200
${headers ? `${headers}\n` : ''}
${body}
`;
}
