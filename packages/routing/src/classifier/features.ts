/**
 * TF-IDF features: word n-grams and character n-grams within word boundaries (each word padded
 * with a space on both sides, as scikit-learn's `char_wb`), sublinear term frequency
 * (`1 + ln tf`), smoothed idf (`ln((1 + n) / (1 + df)) + 1`), each block L2-normalised and then
 * scaled by its weight (words 1, characters `charWeight`).
 */
import { tokenise } from './text.ts';

/** A sparse vector: feature indices (no particular order, each once) and their values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

/** How text becomes features; part of the stored model. */
export interface FeatureSpec {
  /** Word n-gram sizes, inclusive (e.g. [1, 2]), or null for none. */
  wordNgrams: [number, number] | null;
  /** Character n-gram sizes within word boundaries, inclusive (e.g. [2, 5]), or null for none. */
  charNgrams: [number, number] | null;
  /** Scale of the character block relative to the word block (each block has unit L2 norm). */
  charWeight: number;
}

/** A fitted vocabulary and document frequencies; plain data, part of the stored model. */
export interface Vocabulary {
  /** Word n-grams (n-grams joined by a space); feature i is `words[i]`. */
  words: string[];
  /** Character n-grams; feature `words.length + j` is `chars[j]`. */
  chars: string[];
  /** Document frequency of every feature, words first. */
  df: number[];
  /** Number of training documents (for the idf). */
  documents: number;
}

/** Word n-grams of a token list, with repeats, in order. */
export function wordNgrams(tokens: readonly string[], range: [number, number]): string[] {
  const out: string[] = [];
  const [lo, hi] = range;
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      out.push(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' '));
    }
  }
  return out;
}

/** Character n-grams of one word padded with spaces, with repeats (scikit-learn's `char_wb`). */
export function charNgrams(token: string, range: [number, number]): string[] {
  const out: string[] = [];
  const padded = ` ${token} `;
  const [lo, hi] = range;
  for (let n = lo; n <= hi; n++) {
    if (padded.length < n) {
      if (n === lo) out.push(padded);
      break;
    }
    for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
  }
  return out;
}

/**
 * Fits the vocabulary on tokenised documents: the terms found in at least `minDf` documents
 * (word and character blocks have their own minimum), sorted so that the same data always gives
 * the same model.
 */
export function fitVocabulary(
  docs: readonly (readonly string[])[],
  spec: FeatureSpec,
  minDf: { words: number; chars: number },
): Vocabulary {
  // Document frequency and the last document that counted, per term.
  const wordDf = new Map<string, { df: number; last: number }>();
  const charDf = new Map<string, { df: number; last: number }>();
  const countIn = (df: Map<string, { df: number; last: number }>, term: string, doc: number) => {
    const entry = df.get(term);
    if (!entry) df.set(term, { df: 1, last: doc });
    else if (entry.last !== doc) {
      entry.df++;
      entry.last = doc;
    }
  };
  const charCache = new Map<string, string[]>();
  docs.forEach((tokens, doc) => {
    if (spec.wordNgrams) for (const term of wordNgrams(tokens, spec.wordNgrams)) countIn(wordDf, term, doc);
    if (spec.charNgrams) {
      for (const token of new Set(tokens)) {
        let grams = charCache.get(token);
        if (!grams) {
          grams = [...new Set(charNgrams(token, spec.charNgrams))];
          charCache.set(token, grams);
        }
        for (const g of grams) countIn(charDf, g, doc);
      }
    }
  });
  const keep = (df: Map<string, { df: number }>, min: number) =>
    [...df.entries()]
      .filter(([, e]) => e.df >= min)
      .map(([t]) => t)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const words = keep(wordDf, minDf.words);
  const chars = keep(charDf, minDf.chars);
  const df = [...words.map((t) => wordDf.get(t)!.df), ...chars.map((t) => charDf.get(t)!.df)];
  return { words, chars, df, documents: docs.length };
}

/** Smoothed inverse document frequency. */
export function idf(df: number, documents: number): number {
  return Math.log((1 + documents) / (1 + df)) + 1;
}

/** Cached character-n-gram features of at most this many distinct words per vectoriser. */
const WORD_CACHE_LIMIT = 100_000;

/**
 * Turns text into TF-IDF vectors for one vocabulary. Keeps a cache of each word's character
 * n-gram features and a scratch buffer, so it is cheap to call repeatedly (not re-entrant, which
 * synchronous code never needs).
 */
export interface Vectoriser {
  readonly spec: FeatureSpec;
  readonly size: number;
  readonly words: Map<string, number>;
  readonly chars: Map<string, number>;
  readonly idf: Float64Array;
  readonly wordCache: Map<string, Int32Array>;
  readonly counts: Float64Array;
}

export function createVectoriser(vocab: Vocabulary, spec: FeatureSpec): Vectoriser {
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  vocab.words.forEach((t, i) => {
    words.set(t, i);
  });
  vocab.chars.forEach((t, j) => {
    chars.set(t, vocab.words.length + j);
  });
  const size = vocab.df.length;
  return {
    spec,
    size,
    words,
    chars,
    idf: Float64Array.from(vocab.df, (df) => idf(df, vocab.documents)),
    wordCache: new Map(),
    counts: new Float64Array(size),
  };
}

/** The TF-IDF vector of a tokenised text (see the module comment). */
export function vectoriseTokens(v: Vectoriser, tokens: readonly string[]): SparseVector {
  const { counts, spec } = v;
  const touched: number[] = [];
  const count = (id: number) => {
    if (counts[id] === 0) touched.push(id);
    counts[id]!++;
  };
  if (spec.wordNgrams) {
    for (const term of wordNgrams(tokens, spec.wordNgrams)) {
      const id = v.words.get(term);
      if (id !== undefined) count(id);
    }
  }
  const wordEnd = touched.length;
  if (spec.charNgrams) {
    for (const token of tokens) {
      let ids = v.wordCache.get(token);
      if (!ids) {
        const found: number[] = [];
        for (const g of charNgrams(token, spec.charNgrams)) {
          const id = v.chars.get(g);
          if (id !== undefined) found.push(id);
        }
        ids = Int32Array.from(found);
        if (v.wordCache.size >= WORD_CACHE_LIMIT) v.wordCache.clear();
        v.wordCache.set(token, ids);
      }
      for (const id of ids) count(id);
    }
  }
  const idx = Int32Array.from(touched);
  const val = new Float64Array(idx.length);
  const block = (from: number, to: number, weight: number) => {
    let norm = 0;
    for (let k = from; k < to; k++) {
      const id = idx[k]!;
      const x = (1 + Math.log(counts[id]!)) * v.idf[id]!;
      counts[id] = 0;
      val[k] = x;
      norm += x * x;
    }
    if (norm > 0) {
      const scale = weight / Math.sqrt(norm);
      for (let k = from; k < to; k++) val[k]! *= scale;
    }
  };
  block(0, wordEnd, 1);
  block(wordEnd, idx.length, spec.charWeight);
  return { idx, val };
}

/** The TF-IDF vector of a text. */
export function vectorise(v: Vectoriser, text: string): SparseVector {
  return vectoriseTokens(v, tokenise(text));
}
