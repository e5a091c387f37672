import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CsvError,
  crossValidate,
  deserialiseModel,
  evaluate,
  type LabelledText,
  parseCsv,
  predict,
  scorePredictions,
  serialiseModel,
  stratifiedFolds,
  tokenise,
  trainClassifier,
} from '../src/classifier/index.ts';

const corpusFile = fileURLToPath(new URL('../../../test/corpus/tickets/topics-train.csv', import.meta.url));

function csvError(input: string): CsvError {
  try {
    parseCsv(input);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('parseCsv', () => {
  it('reads a plain file with a header', () => {
    expect(parseCsv('text,label\nprinter jammed,Hardware\nreset password,Access\n')).toEqual([
      { text: 'printer jammed', label: 'Hardware' },
      { text: 'reset password', label: 'Access' },
    ]);
  });

  it('handles quotes, escaped quotes, commas, CRLF and embedded newlines', () => {
    const input =
      'text,label\r\n' +
      '"printer, 2nd floor, says ""PC LOAD LETTER""",Hardware\r\n' +
      '"line one\r\nline two\nline three",Access\r\n' +
      '"",Miscellaneous\r\n' +
      'plain,"Purchase"';
    expect(parseCsv(input)).toEqual([
      { text: 'printer, 2nd floor, says "PC LOAD LETTER"', label: 'Hardware' },
      { text: 'line one\r\nline two\nline three', label: 'Access' },
      { text: '', label: 'Miscellaneous' },
      { text: 'plain', label: 'Purchase' },
    ]);
  });

  it('takes the columns in any order, ignores other columns, a BOM, blank lines and label padding', () => {
    const input = '\ufeffid, Label ,TEXT\n1,Hardware ,broken screen\n\n2,Access,locked out\n\n';
    expect(parseCsv(input)).toEqual([
      { text: 'broken screen', label: 'Hardware' },
      { text: 'locked out', label: 'Access' },
    ]);
  });

  it('returns no examples for a header alone', () => {
    expect(parseCsv('text,label')).toEqual([]);
  });

  it('names the line of a malformed record', () => {
    // Line numbers are physical lines: the quoted field on line 2 spans lines 2-3.
    const wrongCount = csvError('text,label\n"two\nlines",Access\nthree,fields,here\n');
    expect(wrongCount.line).toBe(4);
    expect(wrongCount.message).toMatch(/^line 4: expected 2 fields as in the header, found 3/);

    const unterminated = csvError('text,label\nok,Access\n"never closed,Hardware\nmore\n');
    expect(unterminated.line).toBe(3);
    expect(unterminated.message).toMatch(/line 3: unterminated quoted field/);

    expect(csvError('text,label\n"closed"x,Access\n').message).toMatch(
      /line 2: unexpected "x" after a closing quote/,
    );
    expect(csvError('text,label\nsay "hi",Access\n').message).toMatch(
      /line 2: quote inside an unquoted field/,
    );
    expect(csvError('text,label\nsomething,\n').message).toMatch(/line 2: empty label/);
    expect(csvError('text,label\r\nfirst,Access\r\nonly-one-field\r\n').line).toBe(3);
  });

  it('rejects a missing or doubled header column and an empty file', () => {
    expect(csvError('text,category\nx,y\n').message).toMatch(/line 1: header has no "label" column/);
    expect(csvError('label,text,Text\nx,y,z\n').message).toMatch(/line 1: header has two "text" columns/);
    expect(csvError('').message).toMatch(/line 1: empty file/);
  });
});

describe('tokenise', () => {
  it('normalises raw ticket text like the pre-processed corpus', () => {
    expect(
      tokenise(
        "RE: Can't log-in to my Account!!! (ticket #4711) — john.doe@example.com, Café https://x.io/a",
      ),
    ).toEqual(['cant', 'log', 'account', 'ticket', 'cafe']);
    // Digits break words (the corpus turned "3rd" into "rd"); meaningful short words stay.
    expect(tokenise('The printer on the 2nd floor is NOT working')).toEqual([
      'printer',
      'on',
      'nd',
      'floor',
      'not',
      'working',
    ]);
  });
});

const TINY: LabelledText[] = [
  { text: 'I forgot my password and cannot log in', label: 'Access' },
  { text: 'Password expired, please reset my password', label: 'Access' },
  { text: 'Account locked after too many login attempts', label: 'Access' },
  { text: 'Need access to the finance folder, login denied', label: 'Access' },
  { text: 'Reset my MFA, cannot log in to my account', label: 'Access' },
  { text: 'My laptop screen is cracked', label: 'Hardware' },
  { text: 'The printer is jammed and prints blank pages', label: 'Hardware' },
  { text: 'Keyboard and mouse stopped working on my laptop', label: 'Hardware' },
  { text: 'Docking station does not charge the laptop', label: 'Hardware' },
  { text: 'Monitor flickers, the screen goes black', label: 'Hardware' },
  { text: 'Please raise a purchase order for new licences', label: 'Purchase' },
  { text: 'Quote approval needed to buy ten headsets', label: 'Purchase' },
  { text: 'Order a new phone, purchase approved by manager', label: 'Purchase' },
  { text: 'Invoice for the software purchase order is attached', label: 'Purchase' },
  { text: 'Buy a licence renewal, budget approved', label: 'Purchase' },
];

describe('trainClassifier / predict', () => {
  const model = trainClassifier(TINY);

  it('predicts the obvious labels of a tiny hand-made set', () => {
    expect(predict(model, 'password reset please, I cannot log in').label).toBe('Access');
    expect(predict(model, 'the laptop screen and keyboard are broken').label).toBe('Hardware');
    expect(predict(model, 'purchase order approval for licences').label).toBe('Purchase');
    expect(evaluate(model, TINY).accuracy).toBe(1);
  });

  it('gives raw text the same answer as its pre-processed form', () => {
    expect(predict(model, 'PASSWORD reset, please!!! I CANNOT log-in.')).toEqual(
      predict(model, 'password reset please cannot log'),
    );
  });

  it('reports a sane confidence, runner-up and per-label probabilities', () => {
    const p = predict(model, 'my password expired and I cannot log in');
    expect(Object.keys(p.scores).sort()).toEqual(['Access', 'Hardware', 'Purchase']);
    const probabilities = Object.values(p.scores);
    expect(probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    for (const v of probabilities) expect(v).toBeGreaterThanOrEqual(0);
    expect(p.confidence).toBe(p.scores.Access);
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.confidence).toBeLessThanOrEqual(1);
    expect(p.runnerUp).not.toBeNull();
    expect(p.runnerUp!.label).not.toBe('Access');
    expect(p.runnerUp!.confidence).toBe(Math.max(p.scores.Hardware!, p.scores.Purchase!));
    expect(p.runnerUp!.confidence).toBeLessThan(p.confidence);

    // No known word at all: an answer, but not a confident one.
    const unknown = predict(model, 'zzz qqq');
    expect(unknown.confidence).toBeLessThan(p.confidence);
    expect(unknown.confidence).toBeLessThan(0.8);
  });

  it('has no runner-up when it knows a single label', () => {
    const single = trainClassifier([
      { text: 'printer jammed', label: 'Hardware' },
      { text: 'screen broken', label: 'Hardware' },
    ]);
    expect(predict(single, 'anything at all')).toEqual({
      label: 'Hardware',
      confidence: 1,
      runnerUp: null,
      scores: { Hardware: 1 },
    });
  });

  it('is deterministic: the same data gives the identical model JSON', () => {
    expect(serialiseModel(trainClassifier(TINY))).toBe(serialiseModel(model));
    const shuffledSeed = trainClassifier(TINY, { seed: 7 });
    expect(predict(shuffledSeed, 'printer jammed').label).toBe('Hardware');
  });

  it('round-trips through JSON, whole or in chunks, and predicts identically', () => {
    const json = serialiseModel(model);
    const whole = deserialiseModel(json);
    const third = Math.ceil(json.length / 3);
    const chunks = [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)];
    const chunked = deserialiseModel(chunks);
    for (const text of ['password reset', 'broken laptop screen', 'purchase order', 'hello', '']) {
      expect(predict(whole, text)).toEqual(predict(model, text));
      expect(predict(chunked, text)).toEqual(predict(model, text));
    }
    expect(JSON.parse(json)).toEqual(model);
  });

  it('rejects what is not a model', () => {
    expect(() => deserialiseModel('not json')).toThrow(/not a text model/);
    expect(() => deserialiseModel('{"format":"other"}')).toThrow(/format/);
    const broken = JSON.parse(serialiseModel(model));
    broken.weights[0].pop();
    expect(() => deserialiseModel(JSON.stringify(broken))).toThrow(/inconsistent/);
  });

  it('rejects no examples and bad options', () => {
    expect(() => trainClassifier([])).toThrow(/no training examples/);
    expect(() => trainClassifier(TINY, { c: 0 })).toThrow(/c must be positive/);
    expect(() => trainClassifier(TINY, { features: { wordNgrams: null, charNgrams: null } })).toThrow(
      /no features/,
    );
    expect(() => trainClassifier(TINY, { features: { charNgrams: [3, 2] } })).toThrow(/charNgrams/);
  });

  it('trains every algorithm on offer', () => {
    for (const algorithm of ['linear-svm', 'logistic-regression', 'complement-nb', 'nb-svm'] as const) {
      const m = trainClassifier(TINY, { algorithm });
      expect(m.algorithm).toBe(algorithm);
      expect(predict(m, 'password reset, cannot log in').label).toBe('Access');
      expect(predict(m, 'printer jammed, screen broken').label).toBe('Hardware');
    }
  });
});

describe('evaluate', () => {
  it('computes accuracy, macro-F1, per-label scores and the confusion matrix', () => {
    const e = scorePredictions(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(e.accuracy).toBeCloseTo(4 / 6);
    expect(e.perLabel.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(e.perLabel.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(e.perLabel.c!.f1).toBeCloseTo(2 / 3);
    expect(e.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3);
    expect(e.confusion).toEqual({ a: { a: 2, b: 1 }, b: { b: 1, c: 1 }, c: { c: 1 } });
  });

  it('counts a label the model never saw as an error', () => {
    const model = trainClassifier(TINY);
    const e = evaluate(model, [{ text: 'printer jammed', label: 'Storage' }]);
    expect(e.accuracy).toBe(0);
    expect(e.perLabel.Storage).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('makes stratified folds deterministically', () => {
    const labels = [...Array(10).fill('a'), ...Array(5).fill('b')] as string[];
    const folds = stratifiedFolds(labels, 5, 1);
    expect(stratifiedFolds(labels, 5, 1)).toEqual(folds);
    for (let f = 0; f < 5; f++) {
      expect(labels.filter((l, i) => l === 'a' && folds[i] === f)).toHaveLength(2);
      expect(labels.filter((l, i) => l === 'b' && folds[i] === f)).toHaveLength(1);
    }
  });
});

describe('on the ticket corpus', () => {
  const corpus = parseCsv(readFileSync(corpusFile, 'utf8'));

  it('reads the corpus', () => {
    expect(corpus).toHaveLength(2633);
    expect(new Set(corpus.map((e) => e.label)).size).toBe(8);
  });

  it('reaches accuracy > 0.80 in stratified 5-fold cross-validation', { timeout: 120_000 }, () => {
    // The temperature only rescales the scores (same labels), so it is not fitted here: this keeps
    // the test fast. Calibration is checked below.
    const cv = crossValidate(corpus, 5, { calibrationFolds: 0 }, 1);
    expect(cv.folds).toHaveLength(5);
    expect(cv.accuracy.mean).toBeGreaterThan(0.8);
    expect(cv.macroF1.mean).toBeGreaterThan(0.8);
    for (const fold of cv.folds) expect(fold.accuracy).toBeGreaterThan(0.78);
  });

  it('is calibrated-ish, compact and reads raw tickets', { timeout: 60_000 }, () => {
    const folds = stratifiedFolds(
      corpus.map((e) => e.label),
      4,
      2,
    );
    const train = corpus.filter((_, i) => folds[i] !== 0);
    const test = corpus.filter((_, i) => folds[i] === 0);
    const model = trainClassifier(train);
    const predictions = test.map((e) => predict(model, e.text));
    const accuracy = predictions.filter((p, i) => p.label === test[i]!.label).length / test.length;
    const meanConfidence = predictions.reduce((s, p) => s + p.confidence, 0) / test.length;
    expect(Math.abs(meanConfidence - accuracy)).toBeLessThan(0.06);
    // Calibration changes the temperature only, never the weights (so never the label).
    const uncalibrated = trainClassifier(train, { calibrationFolds: 0 });
    expect(uncalibrated.weights).toEqual(model.weights);
    expect(uncalibrated.temperature).not.toBe(model.temperature);

    expect(serialiseModel(model).length).toBeLessThan(1_000_000);

    const raw = (text: string) => predict(model, text).label;
    expect(raw("Can't log in!! Hi team, I forgot my PASSWORD and my account is LOCKED. Thanks, John")).toBe(
      'Access',
    );
    expect(raw('RE: my laptop screen is broken, I need a replacement monitor and docking station.')).toBe(
      'Hardware',
    );
  });
});
