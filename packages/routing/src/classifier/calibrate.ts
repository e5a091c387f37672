import { seededRandom, shuffleInPlace } from './learners.ts';

/**
 * Calibration: the softmax temperature that makes a model's scores read as probabilities, fitted
 * on out-of-fold scores, and the stratified folds it (and cross-validation) split examples into.
 */

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
export function fitTemperature(scores: Float64Array[], y: Int32Array): number {
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
