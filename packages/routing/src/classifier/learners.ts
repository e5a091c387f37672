/**
 * Linear learners over sparse TF-IDF vectors. Each produces one weight vector and one bias per
 * class, so prediction is always `score_k = w_k · x + b_k`:
 *
 * - {@link trainLinearSvm}: one-vs-rest L2-regularised L2-loss (squared hinge) linear SVM, trained
 *   by dual coordinate descent (Hsieh et al. 2008, the LIBLINEAR default solver);
 * - {@link trainLogisticRegression}: multinomial logistic regression with L2, trained by L-BFGS
 *   (lbfgs.ts);
 * - {@link trainComplementNb}: Complement Naive Bayes with weight normalisation (Rennie et al. 2003);
 * - {@link trainNbSvm}: NB-SVM (Wang & Manning 2012): one-vs-rest SVM on features scaled by their
 *   naive Bayes log-count ratio, weights interpolated towards their mean; folds back into plain
 *   linear weights.
 *
 * All are deterministic: the only randomness is a seeded shuffle.
 */
import type { SparseVector } from './features.ts';
import { lbfgs } from './lbfgs.ts';

/** Weights of a linear multi-class model: `w[k]` over features and `b[k]`, for each class k. */
export interface LinearWeights {
  w: Float64Array[];
  b: Float64Array;
}

export interface TrainingSet {
  x: SparseVector[];
  /** Class index (0..classes-1) of every example. */
  y: Int32Array;
  classes: number;
  dim: number;
}

/** Mulberry32: a small seeded PRNG, for reproducible shuffles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** `n / (classes * count_k)` per class: each class weighs as much as the others in total. */
export function balancedClassWeights(set: TrainingSet): Float64Array {
  const counts = new Float64Array(set.classes);
  for (const k of set.y) counts[k]!++;
  return counts.map((c) => (c > 0 ? set.y.length / (set.classes * c) : 0));
}

export interface SvmOptions {
  /** Inverse regularisation strength. */
  c: number;
  /** Per-class multiplier of `c` for the examples of that class (class weighting), or null. */
  classWeights: Float64Array | null;
  /** Value of the constant bias feature (LIBLINEAR's `-B`). */
  bias: number;
  maxIter: number;
  /** Stop when the projected-gradient spread falls below this. */
  tolerance: number;
  seed: number;
}

/**
 * One-vs-rest linear SVM (squared hinge, L2) by dual coordinate descent. The K binary problems are
 * solved side by side (each example visited once per epoch for all classes, weights stored feature
 * by feature), which reads every example once per epoch instead of K times. Stops when every
 * class's projected-gradient spread is within the tolerance.
 */
export function trainLinearSvm(set: TrainingSet, options: SvmOptions): LinearWeights {
  return trainScaledSvm(set, options, null);
}

/**
 * {@link trainLinearSvm} on features scaled per class: class k sees feature j multiplied by
 * `scale[j * K + k]` (null: no scaling). The weights returned apply to the scaled features.
 */
function trainScaledSvm(set: TrainingSet, options: SvmOptions, scale: Float64Array | null): LinearWeights {
  const random = seededRandom(options.seed);
  const { classes: K, dim } = set;
  const n = set.y.length;
  const W = new Float64Array(dim * K);
  const b = new Float64Array(K);
  const alpha = new Float64Array(n * K);
  const diag = new Float64Array(n);
  // Squared norm of every example as class k sees it, plus the bias feature's.
  const sqNorm = new Float64Array(n * K);
  const bias2 = options.bias * options.bias;
  for (let i = 0; i < n; i++) {
    const c = options.c * (options.classWeights ? options.classWeights[set.y[i]!]! : 1);
    diag[i] = 0.5 / c;
    const xi = set.x[i]!;
    for (let k = 0; k < K; k++) {
      let sq = bias2;
      for (let j = 0; j < xi.idx.length; j++) {
        const v = xi.val[j]! * (scale ? scale[xi.idx[j]! * K + k]! : 1);
        sq += v * v;
      }
      sqNorm[i * K + k] = sq;
    }
  }
  const dots = new Float64Array(K);
  const delta = new Float64Array(K);
  const maxPg = new Float64Array(K);
  const minPg = new Float64Array(K);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let iter = 0; iter < options.maxIter; iter++) {
    shuffleInPlace(order, random);
    maxPg.fill(Number.NEGATIVE_INFINITY);
    minPg.fill(Number.POSITIVE_INFINITY);
    for (const i of order) {
      const xi = set.x[i]!;
      const yi = set.y[i]!;
      for (let k = 0; k < K; k++) dots[k] = b[k]! * options.bias;
      for (let j = 0; j < xi.idx.length; j++) {
        const off = xi.idx[j]! * K;
        const v = xi.val[j]!;
        if (scale) for (let k = 0; k < K; k++) dots[k]! += W[off + k]! * scale[off + k]! * v;
        else for (let k = 0; k < K; k++) dots[k]! += W[off + k]! * v;
      }
      let changed = false;
      for (let k = 0; k < K; k++) {
        const label = k === yi ? 1 : -1;
        const a = alpha[i * K + k]!;
        const g = label * dots[k]! - 1 + diag[i]! * a;
        const pg = a === 0 ? Math.min(g, 0) : g;
        if (pg > maxPg[k]!) maxPg[k] = pg;
        if (pg < minPg[k]!) minPg[k] = pg;
        delta[k] = 0;
        if (Math.abs(pg) > 1e-12) {
          const next = Math.max(a - g / (sqNorm[i * K + k]! + diag[i]!), 0);
          alpha[i * K + k] = next;
          delta[k] = (next - a) * label;
          if (delta[k] !== 0) changed = true;
        }
      }
      if (changed) {
        for (let j = 0; j < xi.idx.length; j++) {
          const off = xi.idx[j]! * K;
          const v = xi.val[j]!;
          if (scale) for (let k = 0; k < K; k++) W[off + k]! += delta[k]! * scale[off + k]! * v;
          else for (let k = 0; k < K; k++) W[off + k]! += delta[k]! * v;
        }
        for (let k = 0; k < K; k++) b[k]! += delta[k]! * options.bias;
      }
    }
    let converged = true;
    for (let k = 0; k < K; k++) if (maxPg[k]! - minPg[k]! > options.tolerance) converged = false;
    if (converged) break;
  }
  const w: Float64Array[] = [];
  for (let k = 0; k < K; k++) w.push(Float64Array.from({ length: dim }, (_, j) => W[j * K + k]!));
  return { w, b: b.map((v) => v * options.bias) };
}

export interface LogisticOptions {
  /** Inverse regularisation strength (the loss is summed over examples, as in scikit-learn). */
  c: number;
  classWeights: Float64Array | null;
  maxIter: number;
  /** Stop when the gradient's max-norm falls below this. */
  tolerance: number;
}

/** Multinomial logistic regression with L2 on the weights (not the biases), by L-BFGS. */
export function trainLogisticRegression(set: TrainingSet, options: LogisticOptions): LinearWeights {
  const { classes: K, dim } = set;
  const n = set.y.length;
  const size = K * (dim + 1); // class-major weights, then K biases
  const sampleWeight = Float64Array.from(set.y, (c) => (options.classWeights ? options.classWeights[c]! : 1));
  const lambda = 1 / options.c;
  const scores = new Float64Array(K);

  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let k = 0; k < K; k++) {
      const off = k * dim;
      for (let j = 0; j < dim; j++) {
        const v = theta[off + j]!;
        loss += 0.5 * lambda * v * v;
        grad[off + j] = lambda * v;
      }
    }
    const biasOff = K * dim;
    for (let i = 0; i < n; i++) {
      const xi = set.x[i]!;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        const off = k * dim;
        let s = theta[biasOff + k]!;
        for (let j = 0; j < xi.idx.length; j++) s += theta[off + xi.idx[j]!]! * xi.val[j]!;
        scores[k] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(scores[k]! - max);
      const logZ = max + Math.log(z);
      const yi = set.y[i]!;
      const sw = sampleWeight[i]!;
      loss += sw * (logZ - scores[yi]!);
      for (let k = 0; k < K; k++) {
        const coef = sw * (Math.exp(scores[k]! - logZ) - (k === yi ? 1 : 0));
        if (coef === 0) continue;
        const off = k * dim;
        for (let j = 0; j < xi.idx.length; j++) grad[off + xi.idx[j]!]! += coef * xi.val[j]!;
        grad[biasOff + k]! += coef;
      }
    }
    return loss;
  };

  const theta = lbfgs(evaluate, new Float64Array(size), options.maxIter, options.tolerance);
  const w: Float64Array[] = [];
  for (let k = 0; k < K; k++) w.push(theta.slice(k * dim, (k + 1) * dim));
  return { w, b: theta.slice(K * dim) };
}

/**
 * Complement Naive Bayes on TF-IDF features with weight normalisation. Scores are the negated
 * complement log-likelihoods (higher is better), so it predicts like the other learners.
 */
export function trainComplementNb(set: TrainingSet, alpha: number): LinearWeights {
  const { classes: K, dim } = set;
  const total = new Float64Array(dim);
  const perClass = Array.from({ length: K }, () => new Float64Array(dim));
  set.x.forEach((xi, i) => {
    const row = perClass[set.y[i]!]!;
    for (let j = 0; j < xi.idx.length; j++) {
      row[xi.idx[j]!]! += xi.val[j]!;
      total[xi.idx[j]!]! += xi.val[j]!;
    }
  });
  const w: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const row = perClass[k]!;
    const comp = new Float64Array(dim);
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      comp[j] = total[j]! - row[j]! + alpha;
      sum += comp[j]!;
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      comp[j] = Math.log(comp[j]! / sum);
      norm += Math.abs(comp[j]!);
    }
    // Weight-normalised complement log-probabilities: lower means more likely, so negate.
    for (let j = 0; j < dim; j++) comp[j] = -comp[j]! / norm;
    w.push(comp);
  }
  return { w, b: new Float64Array(K) };
}

export interface NbSvmOptions extends SvmOptions {
  /** Laplace smoothing of the log-count ratio. */
  alpha: number;
  /** Interpolation towards the raw weights (0 = mean magnitude only, 1 = raw SVM weights). */
  beta: number;
}

/**
 * NB-SVM, one-vs-rest: class k's SVM sees every feature scaled by its log-count ratio
 * `r_kj = ln((p_kj / |p_k|) / (q_kj / |q_k|))`, p and q the smoothed feature sums over the
 * class's examples and the others'; its weights are interpolated towards their mean magnitude
 * and folded back into plain linear weights over the original features.
 */
export function trainNbSvm(set: TrainingSet, options: NbSvmOptions): LinearWeights {
  const { classes: K, dim } = set;
  const total = new Float64Array(dim);
  const perClass = new Float64Array(dim * K);
  set.x.forEach((xi, i) => {
    const k = set.y[i]!;
    for (let j = 0; j < xi.idx.length; j++) {
      perClass[xi.idx[j]! * K + k]! += xi.val[j]!;
      total[xi.idx[j]!]! += xi.val[j]!;
    }
  });
  const grandTotal = total.reduce((t, v) => t + v, 0);
  const classTotal = new Float64Array(K);
  for (let j = 0; j < dim; j++) for (let k = 0; k < K; k++) classTotal[k]! += perClass[j * K + k]!;
  const r = new Float64Array(dim * K);
  for (let k = 0; k < K; k++) {
    const pSum = classTotal[k]! + options.alpha * dim;
    const qSum = grandTotal - classTotal[k]! + options.alpha * dim;
    for (let j = 0; j < dim; j++) {
      const p = perClass[j * K + k]! + options.alpha;
      const q = total[j]! - perClass[j * K + k]! + options.alpha;
      r[j * K + k] = Math.log(p / pSum / (q / qSum));
    }
  }
  const raw = trainScaledSvm(set, options, r);
  const w = raw.w.map((wk, k) => {
    let mean = 0;
    for (const v of wk) mean += Math.abs(v);
    mean /= dim;
    return wk.map((v, j) => ((1 - options.beta) * mean + options.beta * v) * r[j * K + k]!);
  });
  return { w, b: raw.b };
}

/** Scores `w_k · x + b_k` of one vector. */
export function linearScores(weights: LinearWeights, x: SparseVector): Float64Array {
  return Float64Array.from(weights.w, (wk, k) => {
    let s = weights.b[k]!;
    for (let j = 0; j < x.idx.length; j++) s += wk[x.idx[j]!]! * x.val[j]!;
    return s;
  });
}
