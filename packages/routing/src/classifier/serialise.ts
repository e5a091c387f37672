import { ALGORITHMS, type Algorithm, MODEL_FORMAT, type TextModel } from './model.ts';

/** A {@link TextModel} as JSON, to store per tenant, and back, checked. */

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
