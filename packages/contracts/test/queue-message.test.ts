import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { BODY_EXCERPT_BYTES, type Ticket } from '@psa/model/ticket';
import { ticketFixture } from '@psa/testing/fixtures';
import { describe, expect, it } from 'vitest';
import { queueMessage, RoutedTicketMessageSchema, sqsSafeJson } from '../src/queue-message.ts';

/**
 * The characters SendMessage accepts, as its API reference lists them:
 * #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 */
function acceptedBySqs(body: string): boolean {
  for (const char of body) {
    const c = char.codePointAt(0)!;
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return false;
  }
  return true;
}

const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());

function routed(over: Partial<Ticket>): Ticket {
  return ticketFixture({
    owner: 'partner',
    workload: 'general-request',
    priority: 'P3',
    afterHours: false,
    routing: {
      rule: 'workload-owner',
      reasons: ['general requests are the partner’s'],
      confidence: 0.9,
      divisionOfWorkVersion: 1,
      runnerUp: null,
      flags: { guardrail: false, vip: false, afterHours: false, overflow: false, triage: false },
      decidedAt: '2026-06-16T14:00:00.000Z',
    },
    receivedAt: '2026-06-16T14:00:00.000Z',
    ...over,
  });
}

describe('the routed-ticket queue message', () => {
  const odd =
    'non-characters \uFFFE\uFFFF, emoji 😀🔥, a lone \uD800 surrogate, a \u0001 control, ü€ and 中文';

  it('holds only characters SQS accepts, and its JSON reads back the exact text', () => {
    const { body } = queueMessage(routed({ subject: `Re: ${odd}`, body: odd }), dow);
    expect(acceptedBySqs(body)).toBe(true);
    const parsed = RoutedTicketMessageSchema.parse(JSON.parse(body));
    expect(parsed.ticket.subject).toBe(`Re: ${odd}`);
    expect(parsed.ticket.body).toBe(odd);
    // Emoji are characters SQS takes: they travel as they are, not escaped.
    expect(body).toContain('😀🔥');
  });

  it('carries the first 16 KiB of a longer body, never splitting a character', () => {
    const long = '😀'.repeat(10_000); // 40,000 bytes
    const parsed = RoutedTicketMessageSchema.parse(
      JSON.parse(queueMessage(routed({ body: long }), dow).body),
    );
    expect(Buffer.byteLength(parsed.ticket.body)).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);
    expect(parsed.ticket.body).toBe('😀'.repeat(BODY_EXCERPT_BYTES / 4));
  });
});

describe('sqsSafeJson for an emulator that refuses emoji', () => {
  it('escapes characters beyond U+FFFF too, and the JSON still reads the same', () => {
    const json = JSON.stringify({ text: odd() });
    const safe = sqsSafeJson(json, { escapeBeyondBmp: true });
    expect(safe).not.toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });
  const odd = () => 'emoji 😀 \uFFFF';
});
