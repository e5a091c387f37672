import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv, predict, serialiseModel, trainClassifier } from '@psa/routing/classifier';
import { report } from './stats.ts';

const CORPUS = fileURLToPath(new URL('../../../../test/corpus/tickets/topics-train.csv', import.meta.url));

/**
 * Ticket text classifier on the labelled corpus (test/corpus/tickets/topics-train.csv): time to
 * train the default model (calibration included), predictions per second on the corpus texts, and
 * the size of the model's JSON. Prints a note instead when the corpus is not there.
 */
export function benchClassifier(predictions = 20_000): void {
  let csv: string;
  try {
    csv = readFileSync(CORPUS, 'utf8');
  } catch {
    report('classifier (text model)', { skipped: 'corpus not found' });
    return;
  }
  const examples = parseCsv(csv);
  const t0 = performance.now();
  const model = trainClassifier(examples);
  const trainMs = performance.now() - t0;
  const json = serialiseModel(model);
  predict(model, examples[0]!.text); // compile the model once, as a warm service would
  const t1 = performance.now();
  for (let i = 0; i < predictions; i++) predict(model, examples[i % examples.length]!.text);
  const predictMs = performance.now() - t1;
  report('classifier (text model)', {
    examples: examples.length,
    trainMs: Math.round(trainMs),
    predictionsPerSec: Math.round(predictions / (predictMs / 1000)),
    modelKB: Math.round(json.length / 1024),
    features: model.df.length,
  });
}

// Also runnable on its own: `node packages/local/src/bench/classifier.ts`.
if (process.argv[1] === fileURLToPath(import.meta.url)) benchClassifier();
