/** Evaluation of a text model on labelled examples, and stratified k-fold cross-validation. */

import { stratifiedFolds } from './calibrate.ts';
import type { LabelledText } from './csv.ts';
import { type TextModel, type TrainOptions, trainClassifier } from './model.ts';
import { predict } from './predict.ts';

export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  /** Examples with this true label. */
  support: number;
}

export interface Evaluation {
  accuracy: number;
  /** Unweighted mean of the per-label F1 over every label that is true or predicted at least once. */
  macroF1: number;
  perLabel: Record<string, LabelScores>;
  /** `confusion[trueLabel][predictedLabel]` = count (only non-zero cells). */
  confusion: Record<string, Record<string, number>>;
}

/** Scores predictions against true labels (labels unknown to the model count as errors). */
export function scorePredictions(truth: readonly string[], predicted: readonly string[]): Evaluation {
  const labels = [...new Set([...truth, ...predicted])].sort();
  const confusion: Record<string, Record<string, number>> = {};
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let correct = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const row = confusion[t] ?? {};
    confusion[t] = row;
    row[p] = (row[p] ?? 0) + 1;
    if (t === p) {
      correct++;
      bump(tp, t);
    } else {
      bump(fp, p);
      bump(fn, t);
    }
  });
  const perLabel: Record<string, LabelScores> = {};
  let f1Sum = 0;
  for (const label of labels) {
    const hits = tp.get(label) ?? 0;
    const predictedCount = hits + (fp.get(label) ?? 0);
    const support = hits + (fn.get(label) ?? 0);
    const precision = predictedCount > 0 ? hits / predictedCount : 0;
    const recall = support > 0 ? hits / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[label] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    macroF1: labels.length > 0 ? f1Sum / labels.length : 0,
    perLabel,
    confusion,
  };
}

/** Accuracy, macro-F1, per-label scores and confusion of `model` on `examples`. */
export function evaluate(model: TextModel, examples: readonly LabelledText[]): Evaluation {
  return scorePredictions(
    examples.map((e) => e.label),
    examples.map((e) => predict(model, e.text).label),
  );
}

export interface CrossValidation {
  /** Per fold, in fold order. */
  folds: Evaluation[];
  accuracy: { mean: number; sd: number };
  macroF1: { mean: number; sd: number };
}

function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * Stratified k-fold cross-validation: every fold is held out once while a model is trained (with
 * `options`) on the others. Deterministic for a given `seed`.
 */
export function crossValidate(
  examples: readonly LabelledText[],
  folds = 5,
  options: TrainOptions = {},
  seed = 1,
): CrossValidation {
  if (folds < 2) throw new RangeError('at least 2 folds');
  const fold = stratifiedFolds(
    examples.map((e) => e.label),
    folds,
    seed,
  );
  const results: Evaluation[] = [];
  for (let f = 0; f < folds; f++) {
    const train = examples.filter((_, i) => fold[i] !== f);
    const test = examples.filter((_, i) => fold[i] === f);
    results.push(evaluate(trainClassifier(train, options), test));
  }
  return {
    folds: results,
    accuracy: meanSd(results.map((r) => r.accuracy)),
    macroF1: meanSd(results.map((r) => r.macroF1)),
  };
}
