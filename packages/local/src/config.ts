import * as z from 'zod';

/** The local runtime's settings (DESIGN.md "Contracts others rely on"). */
export const LocalConfigSchema = z.object({
  PSA_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PSA_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  PSA_DATA_DIR: z.string().min(1).default('.psa-data'),
  /** Optional ISO instant: the local clock starts there and runs at real speed. */
  PSA_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /**
   * `on`: serve `POST /_local/clock {at}`, which moves the local clock forward once everything in
   * flight is done (`psa demo` fills months this way). Off unless asked for.
   */
  PSA_CLOCK_CONTROL: z.enum(['on', 'off']).optional(),
  /** Optional SMTP relay URL (e.g. smtp://127.0.0.1:1025) for outgoing mail; default: the outbox folder. */
  PSA_SMTP_RELAY: z.string().optional(),
  /**
   * How long the local provider's access tokens live (default an hour, as Cognito's). The web app
   * renews them with the refresh token before they expire; tests shorten it to see that happen.
   */
  PSA_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(70).max(86_400).optional(),
  PSA_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
  /**
   * Optional path of a chaos configuration file (see chaos/config.ts): puts the fault injector
   * in front of the AWS endpoints the functions call. Faults stay off unless the file enables them.
   */
  PSA_CHAOS: z.string().min(1).optional(),
});
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

/** The data folder a CLI command uses when `--data-dir` is not given (`PSA_DATA_DIR`, as `npm start`). */
export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  return LocalConfigSchema.pick({ PSA_DATA_DIR: true }).parse(env).PSA_DATA_DIR;
}

/** The HTTP port `npm start` listens on (`PSA_HTTP_PORT`), for a CLI command run before it starts. */
export function defaultHttpPort(env: Record<string, string | undefined> = process.env): number {
  return LocalConfigSchema.pick({ PSA_HTTP_PORT: true }).parse(env).PSA_HTTP_PORT;
}
