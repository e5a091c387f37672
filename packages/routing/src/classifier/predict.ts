import { createVectoriser, type Vectoriser, vectorise } from './features.ts';
import type { TextModel } from './model.ts';

/** Prediction with a trained {@link TextModel}: label, confidence, runner-up, every probability. */

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
