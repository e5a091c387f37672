import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import * as z from 'zod';

/** The AWS endpoints the fault injector stands in front of (each function's SDK clients call them). */
export const CHAOS_SERVICES = ['dynamodb', 'sqs', 's3', 'eventbridge', 'sesv2'] as const;
export type ChaosService = (typeof CHAOS_SERVICES)[number];

const share = z.number().min(0).max(1);

/** Shares of calls, each decided independently per call, that fail in each way. */
export const CallFaultsSchema = z
  .object({
    /** Answered with the service's own throttling error (the SDK backs off and retries it). */
    throttle: share.default(0),
    /** Answered with a 5xx (the SDK retries it). */
    error: share.default(0),
    /** Held unanswered for `timeoutMs`, then the connection is cut, as a network timeout does. */
    timeout: share.default(0),
    /** Forwarded and carried out, then the connection is cut: it succeeded after the client gave up. */
    lostResponse: share.default(0),
  })
  .strict();
export type CallFaults = z.infer<typeof CallFaultsSchema>;

/**
 * What the fault injector does, read from the file `PSA_CHAOS` names. Off unless the file says
 * `enabled: true`; the runtime watches the file, so a chaos run switches faults on and off
 * without a restart. Outage windows count from the moment the runtime read the file.
 */
export const ChaosConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Seeds the injector's random stream (printed by a chaos run so it can be replayed). */
    seed: z.string().default('0'),
    calls: CallFaultsSchema.default({ throttle: 0, error: 0, timeout: 0, lostResponse: 0 }),
    /** Per-service overrides of `calls`. */
    services: z.partialRecord(z.enum(CHAOS_SERVICES), CallFaultsSchema).default({}),
    /**
     * How long a "timeout" holds a call before cutting it. The SDK clients set no request
     * timeout (in AWS the function's own timeout ends a hung call), so the cut stands in for it.
     */
    timeoutMs: z.number().int().min(0).default(2_000),
    bus: z
      .object({
        /** Share of rule-target deliveries made twice (EventBridge delivers at least once). */
        duplicate: share.default(0),
        /** Share of deliveries held back up to `reorderMaxMs`, so later events overtake them. */
        reorder: share.default(0),
        reorderMaxMs: z.number().int().min(0).default(3_000),
        /** Windows in which the bus refuses every PutEvents entry (FailedEntryCount, InternalFailure). */
        outages: z
          .array(z.object({ startMs: z.number().int().min(0), durationMs: z.number().int().min(0) }))
          .default([]),
      })
      .strict()
      .default({ duplicate: 0, reorder: 0, reorderMaxMs: 3_000, outages: [] }),
  })
  .strict();
export type ChaosConfig = z.infer<typeof ChaosConfigSchema>;

export const CHAOS_OFF: ChaosConfig = ChaosConfigSchema.parse({});

/** Reads the chaos file; a missing or unreadable file means no faults (and says why). */
export function readChaosConfig(file: string): { config: ChaosConfig; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { config: CHAOS_OFF, problem: null };
  }
  try {
    return { config: ChaosConfigSchema.parse(JSON.parse(text)), problem: null };
  } catch (err) {
    return { config: CHAOS_OFF, problem: `${file} is not a chaos configuration: ${(err as Error).message}` };
  }
}

/**
 * The chaos file, watched: `onChange` gets what it says now, and again each time it changes.
 * Polled (250 ms), because a file replaced by a rename is missed by event-based watching on some
 * platforms.
 */
export function watchChaosConfig(
  file: string,
  onChange: (config: ChaosConfig, problem: string | null) => void,
): { close: () => void } {
  const { config, problem } = readChaosConfig(file);
  onChange(config, problem);
  const listener = () => {
    const next = readChaosConfig(file);
    onChange(next.config, next.problem);
  };
  watchFile(file, { interval: 250 }, listener);
  return { close: () => unwatchFile(file, listener) };
}
