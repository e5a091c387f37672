import { describe, expect, it } from 'vitest';
import { findTicketToken, normaliseSubject } from '../src/domain/email/tokens.ts';

describe('ticket tokens and subjects', () => {
  it('finds tokens in brackets, with spaces and after reply prefixes', () => {
    expect(findTicketToken('[ACME-1042] printer')).toEqual({ prefix: 'ACME', number: 1042 });
    expect(findTicketToken('Re: Fwd: [ACME-1042] printer')).toEqual({ prefix: 'ACME', number: 1042 });
    expect(findTicketToken('AW: printer [ ACME - 1042 ]')).toEqual({ prefix: 'ACME', number: 1042 });
    expect(findTicketToken('Re: [#acme-7] x', 'ACME')).toEqual({ prefix: 'ACME', number: 7 });
    expect(findTicketToken('[Shapelib] need help')).toBeNull();
    expect(findTicketToken('printer broken')).toBeNull();
    expect(findTicketToken('[OTHER-5] x', 'ACME')).toBeNull();
    expect(findTicketToken('Re: ACME-12 printer', 'ACME')).toEqual({ prefix: 'ACME', number: 12 });
    expect(findTicketToken('Re: ACME-12 printer')).toBeNull();
    expect(findTicketToken('[ACME-0]')).toBeNull();
  });

  it('normalises subjects', () => {
    expect(normaliseSubject('Re: Fwd: [ACME-1042] printer  broken')).toBe('printer broken');
    expect(normaliseSubject('AW: WG: SV: Antw: Drucker')).toBe('Drucker');
    expect(normaliseSubject('RE[2]: FW: TR: printer')).toBe('printer');
    expect(normaliseSubject('Re: [ACME-9] Re: [ACME-9] x', 'ACME')).toBe('x');
    expect(normaliseSubject('Regarding the printer')).toBe('Regarding the printer');
  });
});
