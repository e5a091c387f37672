import { describe, expect, it } from 'vitest';
import { DivisionOfWorkSchema } from '../src/division-of-work.ts';
import { defaultDivisionOfWork } from '../src/division-of-work-default.ts';
import { PeopleSchema, roleOf } from '../src/people.ts';

describe('people: who signs in, and as what', () => {
  const people = DivisionOfWorkSchema.parse(defaultDivisionOfWork()).people;

  it.each([
    ['it-lead@acme.example', 'internal'],
    ['dispatch@msp.example', 'partner'],
    ['coo@acme.example', 'leadership'],
    ['alice@acme.example', 'requester'],
    ['Alice@ACME.example', 'requester'],
    ['IT-Lead@Acme.Example', 'internal'],
    ['mallory@evil.example', null],
    ['someone@msp.example', null],
    ['not-an-address', null],
  ])('the shipped default assigns %s the role %s', (email, role) => {
    expect(roleOf(people, email)).toBe(role);
  });

  it('signs in nobody when a tenant has no people section', () => {
    const { people: _omitted, ...rest } = defaultDivisionOfWork();
    const doc = DivisionOfWorkSchema.parse(rest);
    expect(doc.people).toEqual({ roles: {}, requesterDomains: [] });
    expect(roleOf(doc.people, 'it-lead@acme.example')).toBeNull();
  });

  it('lower-cases addresses and domains as written, and names a bad entry by its path', () => {
    expect(
      PeopleSchema.parse({
        roles: { 'Boss@Acme.Example': 'leadership' },
        requesterDomains: ['ACME.example'],
      }),
    ).toEqual({ roles: { 'boss@acme.example': 'leadership' }, requesterDomains: ['acme.example'] });
    const bad = PeopleSchema.safeParse({ roles: { 'it@acme.example': 'admin' }, requesterDomains: ['acme'] });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'roles.it@acme.example',
      'requesterDomains.0',
    ]);
  });
});
