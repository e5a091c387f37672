/**
 * `psa classifier-eval --train A.csv --test B.csv`: trains the ticket text classifier on A and
 * evaluates it on B (both CSV with `text` and `label` columns), printing one JSON line:
 * `{"accuracy":..,"macroF1":..,"train":N,"test":M,"labels":K,"model":"<name>"}`, where `labels` is
 * the number of labels the model learned and `model` names the learner and its features.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CsvError,
  evaluate,
  type LabelledText,
  parseCsv,
  type TextModel,
  trainClassifier,
} from '@psa/routing/classifier';

const USAGE = 'usage: psa classifier-eval --train <train.csv> --test <test.csv>\n';

/** A short name of the model: learner and feature set, e.g. `nb-svm+tfidf(word1-2,char2-5)`. */
export function modelName(model: TextModel): string {
  const { wordNgrams, charNgrams } = model.features;
  const blocks = [
    wordNgrams ? `word${wordNgrams[0]}-${wordNgrams[1]}` : null,
    charNgrams ? `char${charNgrams[0]}-${charNgrams[1]}` : null,
  ].filter((b) => b !== null);
  return `${model.algorithm}+tfidf(${blocks.join(',')})`;
}

function parseArgs(args: string[]): { train: string; test: string } | string {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (name !== '--train' && name !== '--test') return `unknown argument ${arg}`;
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (!value) return `${name} needs a file`;
    values[name] = value;
  }
  if (!values['--train']) return 'missing --train';
  if (!values['--test']) return 'missing --test';
  return { train: values['--train'], test: values['--test'] };
}

async function load(file: string): Promise<LabelledText[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * Runs the evaluation described in the module comment.
 *
 * @returns 0 on success; 2 (usage on stderr) when an argument is missing or unknown; 1 (message on
 *   stderr naming the file, and the line for a malformed CSV) when a file cannot be used.
 */
export async function main(
  args: string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`classifier-eval: ${parsed}\n${USAGE}`);
    return 2;
  }
  let train: LabelledText[];
  let test: LabelledText[];
  try {
    train = await load(parsed.train);
    test = await load(parsed.test);
    if (train.length === 0) throw new Error(`${parsed.train}: no examples`);
    if (test.length === 0) throw new Error(`${parsed.test}: no examples`);
  } catch (error) {
    process.stderr.write(`classifier-eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const model = trainClassifier(train);
  const result = evaluate(model, test);
  out(
    JSON.stringify({
      accuracy: result.accuracy,
      macroF1: result.macroF1,
      train: train.length,
      test: test.length,
      labels: model.labels.length,
      model: modelName(model),
    }),
  );
  return 0;
}

// Also runnable on its own: `node packages/local/src/cli/classifier-eval.ts --train A --test B`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
