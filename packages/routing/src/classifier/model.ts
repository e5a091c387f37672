/**
 * The ticket text classifier: learned from labelled history (subject and body → category), used
 * beside the division-of-work rules. Pure: no I/O, deterministic (same examples and options →
 * identical model JSON).
 *
 * Default model (chosen by stratified cross-validation on the public ticket corpus, see README.md
 * in this folder): TF-IDF of word unigrams and bigrams plus character 2-5-grams within word
 * boundaries (sublinear tf, smoothed idf, each block L2-normalised, characters at half weight);
 * NB-SVM (one-vs-rest linear SVM, squared hinge, L2, C = 0.2, balanced class weights, on features
 * scaled by naive Bayes log-count ratios, alpha = 0.2, beta = 0.75) trained by dual coordinate
 * descent; a softmax over its scores whose temperature is fitted on out-of-fold scores (3-fold,
 * inside the training set), so that `confidence` is a calibrated-ish probability.
 *
 * The model is a plain JSON object ({@link TextModel}): vocabulary, document frequencies and
 * quantised weights, small enough to keep per tenant (see {@link serialiseModel}).
 */
import {
  createVectoriser,
  type FeatureSpec,
  fitVocabulary,
  type Vectoriser,
  vectorise,
  vectoriseTokens,
} from './features.ts';
import {
  balancedClassWeights,
  type LinearWeights,
  linearScores,
  seededRandom,
  shuffleInPlace,
  type TrainingSet,
  trainComplementNb,
  trainLinearSvm,
  trainLogisticRegression,
  trainNbSvm,
} from './learners.ts';
import { tokenise } from './text.ts';

/** The learners on offer; `nb-svm` is the default. */
export const ALGORITHMS = ['linear-svm', 'logistic-regression', 'complement-nb', 'nb-svm'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const MODEL_FORMAT = 'psa-text-classifier/1';

/** A trained classifier: plain, JSON-serialisable data. */
export interface TextModel {
  format: typeof MODEL_FORMAT;
  algorithm: Algorithm;
  /** Class labels, sorted; `weights[k]` and `bias[k]` belong to `labels[k]`. */
  labels: string[];
  features: FeatureSpec;
  /** Number of training documents (for the idf). */
  documents: number;
  /** Word n-gram features, then character n-gram features. */
  vocabulary: { words: string[]; chars: string[] };
  /** Document frequency of every feature, in vocabulary order (idf = ln((1 + n) / (1 + df)) + 1). */
  df: number[];
  /** Weights are integers: weight = `weights[k][j] * weightScale`. */
  weightScale: number;
  weights: number[][];
  bias: number[];
  /** Probabilities are `softmax(temperature * score)`. */
  temperature: number;
  /** Examples per label in the training set. */
  support: Record<string, number>;
}

export interface TrainOptions {
  algorithm?: Algorithm;
  /** Inverse regularisation strength (SVM, NB-SVM, logistic regression); default per algorithm. */
  c?: number;
  /** `balanced` weighs every class as much as the others in total (helps macro-F1). */
  classWeight?: 'balanced' | 'none';
  features?: Partial<FeatureSpec>;
  /**
   * Minimum document frequency of a kept word / character n-gram. Scaled down for small training
   * sets: at most one per {@link MIN_DF_PER_EXAMPLES} examples, and at least 1.
   */
  minDf?: { words?: number; chars?: number };
  /** NB-SVM: smoothing of the log-count ratios and interpolation towards raw SVM weights. */
  nbSvm?: { alpha?: number; beta?: number };
  /**
   * Folds used to fit the probability temperature; 0, fewer than {@link MIN_CALIBRATION_EXAMPLES}
   * examples or a label with fewer examples than folds use a default temperature instead.
   */
  calibrationFolds?: number;
  /** Seed of the shuffles (SVM coordinate order, calibration folds). */
  seed?: number;
}

export const DEFAULT_OPTIONS = {
  algorithm: 'nb-svm' as Algorithm,
  classWeight: 'balanced' as 'balanced' | 'none',
  features: { wordNgrams: [1, 2], charNgrams: [2, 5], charWeight: 0.5 } as FeatureSpec,
  minDf: { words: 3, chars: 5 },
  nbSvm: { alpha: 0.2, beta: 0.75 },
  calibrationFolds: 3,
  seed: 1,
};

/** Below this many training examples the temperature is not fitted (too noisy). */
export const MIN_CALIBRATION_EXAMPLES = 50;

/** A minimum document frequency of m needs at least m × this many training examples. */
export const MIN_DF_PER_EXAMPLES = 500;

/** Default inverse regularisation strength per algorithm (chosen by cross-validation). */
export const DEFAULT_C: Record<Algorithm, number> = {
  'linear-svm': 0.2,
  'nb-svm': 0.2,
  'logistic-regression': 30,
  'complement-nb': 1,
};

/** Temperatures used without calibration (typical fitted values on the ticket corpus). */
const DEFAULT_TEMPERATURE: Record<Algorithm, number> = {
  'linear-svm': 6,
  'logistic-regression': 1,
  'complement-nb': 500_000,
  'nb-svm': 6,
};

/** Weights are quantised to integers: the largest magnitude becomes this many steps (no measurable loss). */
const WEIGHT_STEPS = 2_000;

export interface Prediction {
  /** The most probable label. */
  label: string;
  /** Its probability (0..1). */
  confidence: number;
  /** The second most probable label and its probability; null when the model knows one label. */
  runnerUp: { label: string; confidence: number } | null;
  /** Probability of every label (they sum to 1). */
  scores: Record<string, number>;
}

type Resolved = typeof DEFAULT_OPTIONS & { c: number };

function checkRange(name: string, range: [number, number] | null): void {
  if (
    range &&
    !(Number.isInteger(range[0]) && range[0] >= 1 && Number.isInteger(range[1]) && range[1] >= range[0])
  ) {
    throw new RangeError(`${name} must be [min, max] with 1 <= min <= max`);
  }
}

function resolve(options: TrainOptions): Resolved {
  const features = { ...DEFAULT_OPTIONS.features, ...options.features };
  const algorithm = options.algorithm ?? DEFAULT_OPTIONS.algorithm;
  if (!ALGORITHMS.includes(algorithm)) throw new RangeError(`unknown algorithm ${algorithm}`);
  const c = options.c ?? DEFAULT_C[algorithm];
  if (!(c > 0)) throw new RangeError('c must be positive');
  checkRange('wordNgrams', features.wordNgrams);
  checkRange('charNgrams', features.charNgrams);
  if (!features.wordNgrams && !features.charNgrams) {
    throw new RangeError('no features: set word or char n-grams');
  }
  return {
    algorithm,
    c,
    classWeight: options.classWeight ?? DEFAULT_OPTIONS.classWeight,
    features,
    minDf: { ...DEFAULT_OPTIONS.minDf, ...options.minDf },
    nbSvm: { ...DEFAULT_OPTIONS.nbSvm, ...options.nbSvm },
    calibrationFolds: options.calibrationFolds ?? DEFAULT_OPTIONS.calibrationFolds,
    seed: options.seed ?? DEFAULT_OPTIONS.seed,
  };
}

function learn(set: TrainingSet, o: Resolved): LinearWeights {
  const classWeights = o.classWeight === 'balanced' ? balancedClassWeights(set) : null;
  const svm = { c: o.c, classWeights, bias: 1, maxIter: 100, tolerance: 0.1, seed: o.seed };
  switch (o.algorithm) {
    case 'linear-svm':
      return trainLinearSvm(set, svm);
    case 'nb-svm':
      return trainNbSvm(set, { ...svm, ...o.nbSvm });
    case 'logistic-regression':
      return trainLogisticRegression(set, { c: o.c, classWeights, maxIter: 200, tolerance: 1e-3 });
    case 'complement-nb':
      return trainComplementNb(set, 1);
  }
}

/** Stratified fold number (0..folds-1) of every example: labels spread evenly, seeded shuffle. */
export function stratifiedFolds(labels: readonly string[], folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label);
    if (list) list.push(i);
    else byLabel.set(label, [i]);
  });
  const fold = new Int32Array(labels.length);
  let offset = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const members = byLabel.get(label)!;
    shuffleInPlace(members, random);
    members.forEach((i, j) => {
      fold[i] = (offset + j) % folds;
    });
    offset += members.length;
  }
  return fold;
}

/** Mean negative log-likelihood of the true classes under `softmax(t * scores)`. */
function logLoss(scores: Float64Array[], y: Int32Array, t: number): number {
  let total = 0;
  scores.forEach((s, i) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of s) max = Math.max(max, t * v);
    let z = 0;
    for (const v of s) z += Math.exp(t * v - max);
    total += max + Math.log(z) - t * s[y[i]!]!;
  });
  return total / scores.length;
}

/** The temperature minimising the log-loss, by golden-section search on ln t in [-8, 16]. */
function fitTemperature(scores: Float64Array[], y: Int32Array): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = -8;
  let hi = 16;
  const f = (logT: number) => logLoss(scores, y, Math.exp(logT));
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let iter = 0; iter < 40; iter++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Round to `digits` significant digits (for compact JSON). */
function roundSignificant(x: number, digits: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/**
 * Trains a classifier on labelled examples (see the module comment for the default model).
 * Throws a RangeError when there are no examples or an option is invalid.
 */
export function trainClassifier(
  examples: readonly { text: string; label: string }[],
  options: TrainOptions = {},
): TextModel {
  if (examples.length === 0) throw new RangeError('no training examples');
  const o = resolve(options);
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const y = Int32Array.from(examples, (e) => labels.indexOf(e.label));
  const tokens = examples.map((e) => tokenise(e.text));
  const cap = Math.max(1, Math.floor(examples.length / MIN_DF_PER_EXAMPLES));
  const vocab = fitVocabulary(tokens, o.features, {
    words: Math.min(o.minDf.words, cap),
    chars: Math.min(o.minDf.chars, cap),
  });
  const vectoriser = createVectoriser(vocab, o.features);
  const x = tokens.map((t) => vectoriseTokens(vectoriser, t));
  const dim = vectoriser.size;
  const set: TrainingSet = { x, y, classes: labels.length, dim };
  const weights = learn(set, o);

  let temperature = DEFAULT_TEMPERATURE[o.algorithm];
  const folds = o.calibrationFolds;
  const smallest = Math.min(...labels.map((_, k) => y.filter((c) => c === k).length));
  if (folds >= 2 && labels.length > 1 && smallest >= folds && examples.length >= MIN_CALIBRATION_EXAMPLES) {
    // Out-of-fold scores (same vocabulary), then the temperature that fits them best.
    const fold = stratifiedFolds(
      examples.map((e) => e.label),
      folds,
      o.seed,
    );
    const oof: Float64Array[] = new Array(x.length);
    for (let f = 0; f < folds; f++) {
      const train = x.flatMap((_, i) => (fold[i] === f ? [] : [i]));
      const inner = learn(
        {
          x: train.map((i) => x[i]!),
          y: Int32Array.from(train, (i) => y[i]!),
          classes: labels.length,
          dim,
        },
        o,
      );
      x.forEach((xi, i) => {
        if (fold[i] === f) oof[i] = linearScores(inner, xi);
      });
    }
    temperature = fitTemperature(oof, y);
  }

  let maxAbs = 0;
  for (const wk of weights.w) for (const v of wk) maxAbs = Math.max(maxAbs, Math.abs(v));
  const weightScale = roundSignificant(maxAbs / WEIGHT_STEPS, 3) || 1;
  const support: Record<string, number> = {};
  for (const e of examples) support[e.label] = (support[e.label] ?? 0) + 1;
  return {
    format: MODEL_FORMAT,
    algorithm: o.algorithm,
    labels,
    features: o.features,
    documents: vocab.documents,
    vocabulary: { words: vocab.words, chars: vocab.chars },
    df: vocab.df,
    weightScale,
    weights: weights.w.map((wk) => Array.from(wk, (v) => Math.round(v / weightScale) || 0)),
    bias: Array.from(weights.b, (v) => roundSignificant(v, 6)),
    temperature: roundSignificant(temperature, 6),
    support,
  };
}

/** A model made ready for prediction: vectoriser and feature-major weights. */
interface Compiled {
  vectoriser: Vectoriser;
  /** `weights[j * K + k]`: weight of feature j for class k. */
  weights: Float64Array;
  classes: number;
}

const compiledModels = new WeakMap<TextModel, Compiled>();

function compile(model: TextModel): Compiled {
  let compiled = compiledModels.get(model);
  if (!compiled) {
    const vectoriser = createVectoriser(
      { ...model.vocabulary, df: model.df, documents: model.documents },
      model.features,
    );
    const K = model.labels.length;
    const weights = new Float64Array(vectoriser.size * K);
    model.weights.forEach((wk, k) => {
      wk.forEach((q, j) => {
        weights[j * K + k] = q * model.weightScale;
      });
    });
    compiled = { vectoriser, weights, classes: K };
    compiledModels.set(model, compiled);
  }
  return compiled;
}

/** Probabilities of every label (in `model.labels` order) for `text`. */
export function probabilities(model: TextModel, text: string): Float64Array {
  const { vectoriser, weights, classes: K } = compile(model);
  const x = vectorise(vectoriser, text);
  const p = Float64Array.from(model.bias);
  for (let j = 0; j < x.idx.length; j++) {
    const off = x.idx[j]! * K;
    const v = x.val[j]!;
    for (let k = 0; k < K; k++) p[k]! += weights[off + k]! * v;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) {
    p[k]! *= model.temperature;
    max = Math.max(max, p[k]!);
  }
  let z = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(p[k]! - max);
    z += p[k]!;
  }
  for (let k = 0; k < K; k++) p[k]! /= z;
  return p;
}

/**
 * Classifies a ticket's text (subject and body, raw or pre-processed): the most probable label,
 * its probability, the runner-up and the probability of every label. Ties go to the label first
 * in sorted order.
 */
export function predict(model: TextModel, text: string): Prediction {
  const p = probabilities(model, text);
  let best = 0;
  let second = -1;
  for (let k = 1; k < p.length; k++) {
    if (p[k]! > p[best]!) {
      second = best;
      best = k;
    } else if (second < 0 || p[k]! > p[second]!) {
      second = k;
    }
  }
  const scores: Record<string, number> = {};
  model.labels.forEach((label, k) => {
    scores[label] = p[k]!;
  });
  return {
    label: model.labels[best]!,
    confidence: p[best]!,
    runnerUp: second >= 0 ? { label: model.labels[second]!, confidence: p[second]! } : null,
    scores,
  };
}

/** The model as one JSON string; a caller with a size limit (DynamoDB: 400 KB) may cut it into chunks. */
export function serialiseModel(model: TextModel): string {
  return JSON.stringify(model);
}

/**
 * The model from {@link serialiseModel}'s JSON, whole or as the chunks it was cut into (in order).
 * Throws a TypeError when the data is not a model of this format.
 */
export function deserialiseModel(json: string | readonly string[]): TextModel {
  const text = typeof json === 'string' ? json : json.join('');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`not a text model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const m = value as Partial<TextModel> | null;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw new TypeError(`not a text model: expected format "${MODEL_FORMAT}"`);
  }
  const dim = (m.vocabulary?.words?.length ?? 0) + (m.vocabulary?.chars?.length ?? 0);
  const K = m.labels?.length ?? 0;
  const ok =
    Array.isArray(m.labels) &&
    K > 0 &&
    ALGORITHMS.includes(m.algorithm as Algorithm) &&
    Array.isArray(m.df) &&
    m.df.length === dim &&
    Array.isArray(m.weights) &&
    m.weights.length === K &&
    m.weights.every((wk) => Array.isArray(wk) && wk.length === dim) &&
    Array.isArray(m.bias) &&
    m.bias.length === K &&
    typeof m.weightScale === 'number' &&
    typeof m.temperature === 'number' &&
    typeof m.documents === 'number' &&
    typeof m.features === 'object';
  if (!ok) throw new TypeError('not a text model: missing or inconsistent fields');
  return m as TextModel;
}
