/**
 * Ticket text classifier: learns the workload category from labelled history (a CSV of past
 * tickets), to be used together with the division-of-work rules. Pure (no I/O).
 *
 * - {@link parseCsv}: labelled tickets from CSV (`text,label`, RFC 4180);
 * - {@link trainClassifier} → {@link TextModel} (plain JSON), {@link predict} → label, confidence,
 *   runner-up and per-label probabilities;
 * - {@link serialiseModel} / {@link deserialiseModel}: JSON string (which the caller may chunk);
 * - {@link evaluate} and {@link crossValidate}: accuracy, macro-F1, per-label scores, confusion.
 */

export { stratifiedFolds } from './calibrate.ts';
export { CsvError, type LabelledText, parseCsv } from './csv.ts';
export {
  type CrossValidation,
  crossValidate,
  type Evaluation,
  evaluate,
  type LabelScores,
  scorePredictions,
} from './evaluate.ts';
export type { FeatureSpec } from './features.ts';
export {
  ALGORITHMS,
  type Algorithm,
  DEFAULT_C,
  DEFAULT_OPTIONS,
  MIN_CALIBRATION_EXAMPLES,
  MIN_DF_PER_EXAMPLES,
  MODEL_FORMAT,
  type TextModel,
  type TrainOptions,
  trainClassifier,
} from './model.ts';
export { type Prediction, predict, probabilities } from './predict.ts';
export { deserialiseModel, serialiseModel } from './serialise.ts';
export { tokenise } from './text.ts';
