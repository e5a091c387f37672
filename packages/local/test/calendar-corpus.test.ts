import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CalendarCaseFile, expectedOf, runCase } from '../src/calendar-cases.ts';

const corpusUrl = new URL('../../../test/corpus/sla/cases.json', import.meta.url);
const corpus = JSON.parse(readFileSync(corpusUrl, 'utf8')) as CalendarCaseFile;

describe('business-hours corpus (test/corpus/sla/cases.json)', () => {
  it('has cases', () => {
    expect(corpus.cases.length).toBeGreaterThan(0);
  });

  for (const c of corpus.cases) {
    it(c.id, () => {
      const expected = expectedOf(c);
      expect(expected, 'case has an expected value').toBeDefined();
      expect(runCase(c)).toBe(expected?.value);
    });
  }
});
