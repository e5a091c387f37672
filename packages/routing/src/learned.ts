import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ValidationError } from '@psa/model/errors';
import type { ModelRecord, ModelStore } from '@psa/model/ports';
import { CsvError, crossValidate, parseCsv, serialiseModel, trainClassifier } from './classifier/index.ts';

/**
 * The tenant's routing model learned from labelled history: labels mapped to workloads, training
 * with a cross-validated quality estimate, and the import that stores it as the next version.
 */

/** What the history model says about one ticket, in workload terms. */
export interface LearnedPrediction {
  /** The workload the predicted label maps to; null when the label maps to none. */
  workload: string | null;
  label: string;
  confidence: number;
  runnerUp: { workload: string | null; label: string; confidence: number } | null;
  modelVersion: number;
}

/**
 * Map history labels to workloads: an explicit map wins; a label that is a workload id (or its
 * description's first words) maps to itself; anything else is learned but routes nowhere.
 */
export function resolveLabelMap(
  labels: readonly string[],
  dow: DivisionOfWork,
  given: Record<string, string | null> = {},
): Record<string, string | null> {
  const ids = new Set(dow.workloads.map((w) => w.id));
  const map: Record<string, string | null> = {};
  for (const label of labels) {
    if (label in given) {
      const target = given[label] ?? null;
      if (target !== null && !ids.has(target)) {
        throw new ValidationError(`label '${label}' maps to unknown workload '${target}'`, [
          {
            path: `labelMap.${label}`,
            message: `no workload '${target}' in division of work v${dow.version}`,
          },
        ]);
      }
      map[label] = target;
      continue;
    }
    const slug = label
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
    map[label] = ids.has(slug) ? slug : null;
  }
  return map;
}

/**
 * Train a tenant's model from a CSV of past tickets (`text,label`), with a 3-fold cross-validated
 * quality estimate so a user sees what they get before routing relies on it.
 */
export function trainFromHistory(
  csv: string,
  dow: DivisionOfWork,
  labelMap: Record<string, string | null> = {},
): Omit<ModelRecord, 'tenantId' | 'version' | 'trainedAt'> {
  let examples: { text: string; label: string }[];
  try {
    examples = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvError) {
      throw new ValidationError(err.message, [{ path: `csv.line${err.line}`, message: err.message }], {
        cause: err,
      });
    }
    throw err;
  }
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (examples.length < 20 || labels.length < 2) {
    throw new ValidationError('history needs at least 20 tickets with at least 2 different labels', [
      { path: 'csv', message: `${examples.length} tickets, ${labels.length} labels` },
    ]);
  }
  const map = resolveLabelMap(labels, dow, labelMap);
  // Calibration only sets the confidence temperature, never a label: skip it for the estimate.
  const cv = crossValidate(examples, 3, { calibrationFolds: 0 });
  const model = trainClassifier(examples);
  return {
    examples: examples.length,
    labelMap: map,
    metrics: { accuracy: cv.accuracy.mean, macroF1: cv.macroF1.mean, folds: 3 },
    model: serialiseModel(model),
  };
}

/** Train on a CSV of past tickets and store the model as the tenant's next version. */
export async function importHistory(
  cmd: { tenantId: string; csv: string; labelMap?: Record<string, string | null>; now: Date },
  deps: { models: ModelStore; dow: DivisionOfWork },
): Promise<Omit<ModelRecord, 'model'>> {
  const trained = trainFromHistory(cmd.csv, deps.dow, cmd.labelMap);
  const version = ((await deps.models.current(cmd.tenantId))?.version ?? 0) + 1;
  const record: ModelRecord = {
    tenantId: cmd.tenantId,
    version,
    trainedAt: cmd.now.toISOString(),
    ...trained,
  };
  await deps.models.save(record);
  const { model: _model, ...meta } = record;
  return meta;
}
