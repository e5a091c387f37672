import type { ModelStore } from '@psa/model/ports';
import { deserialiseModel, predict, type TextModel } from '@psa/routing/classifier';
import type { LearnedPrediction } from '@psa/routing/learned';

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
    return (await this.forTenant(tenantId))?.(subject, body) ?? null;
  }

  /**
   * The tenant's current model as a predictor, or null when it has none: read before the ticket's
   * text is known, so the read can go out with the ticket's own.
   */
  async forTenant(tenantId: string): Promise<((subject: string, body: string) => LearnedPrediction) | null> {
    const meta = await this.models.current(tenantId);
    if (!meta) return null;
    let entry = this.cache.get(tenantId);
    if (!entry || entry.version !== meta.version) {
      const json = await this.models.load(tenantId, meta.version);
      if (!json) return null;
      entry = { version: meta.version, model: deserialiseModel(json), labelMap: meta.labelMap };
      this.cache.set(tenantId, entry);
    }
    const loaded = entry;
    return (subject, body) => predictWith(loaded, subject, body);
  }
}

function predictWith(
  entry: { version: number; model: TextModel; labelMap: Record<string, string | null> },
  subject: string,
  body: string,
): LearnedPrediction {
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
