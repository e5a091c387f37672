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
 * quantised weights, small enough to keep per tenant (see serialise.ts). Prediction is in
 * predict.ts, the temperature fit and the folds it uses in calibrate.ts.
 */
import { fitTemperature, stratifiedFolds } from './calibrate.ts';
import { createVectoriser, type FeatureSpec, fitVocabulary, vectoriseTokens } from './features.ts';
import {
  balancedClassWeights,
  type LinearWeights,
  linearScores,
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
