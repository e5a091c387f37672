import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ValidationError } from '@psa/model/errors';
import type { ModelRecord, ModelStore } from '@psa/model/ports';
import {
  CsvError,
  crossValidate,
  deserialiseModel,
  parseCsv,
  predict,
  serialiseModel,
  type TextModel,
  trainClassifier,
} from './classifier/index.ts';

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

/** Loads each tenant's current model once per version and predicts in workload terms. */
export class LearnedRecogniser {
  private readonly models: ModelStore;
  private readonly cache = new Map<
    string,
    { version: number; model: TextModel; labelMap: Record<string, string | null> }
  >();
  constructor(models: ModelStore) {
    this.models = models;
  }

  async predict(tenantId: string, subject: string, body: string): Promise<LearnedPrediction | null> {
    const meta = await this.models.current(tenantId);
    if (!meta) return null;
    let entry = this.cache.get(tenantId);
    if (!entry || entry.version !== meta.version) {
      const json = await this.models.load(tenantId, meta.version);
      if (!json) return null;
      entry = { version: meta.version, model: deserialiseModel(json), labelMap: meta.labelMap };
      this.cache.set(tenantId, entry);
    }
    const p = predict(entry.model, `${subject}\n${body}`);
    return {
      workload: entry.labelMap[p.label] ?? null,
      label: p.label,
      confidence: p.confidence,
      runnerUp: p.runnerUp
        ? {
            workload: entry.labelMap[p.runnerUp.label] ?? null,
            label: p.runnerUp.label,
            confidence: p.runnerUp.confidence,
          }
        : null,
      modelVersion: entry.version,
    };
  }
}
