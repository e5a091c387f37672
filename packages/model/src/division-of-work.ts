import { ALWAYS_OPEN, isValidTimeZone, ResolvedCalendarSchema } from '@psa/calendar/resolved';
import * as z from 'zod';
import { ValidationError } from './errors.ts';
import { DigestSettingsSchema, PulseSettingsSchema } from './measures-settings.ts';
import { PeopleSchema } from './people.ts';
import { stringsOf, textProblem } from './text.ts';
import { ChannelSchema, PrioritySchema, TenantIdSchema } from './ticket.ts';

/**
 * The division of work: the per-tenant, versioned agreement between the internal IT team and
 * the MSP partner that the router applies to every ticket (see DESIGN.md, "Division of work").
 *
 * Parse untrusted documents with {@link parseDivisionOfWork} (throws a `ValidationError` whose
 * issues name the JSON path) or `DivisionOfWorkSchema.safeParse`.
 */

/** An IANA time zone name such as `America/New_York`. */
const TimeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { error: (iss) => `unknown IANA time zone '${String(iss.input)}'` });

/** A workload's queue owner. `triage` is not an owner a workload can have. */
export const WorkloadOwnerSchema = z.enum(['partner', 'internal'], {
  error: (iss) => `owner must be 'partner' or 'internal', got ${JSON.stringify(iss.input)}`,
});
export type WorkloadOwner = z.infer<typeof WorkloadOwnerSchema>;

/** A term that recognises a workload, with how much a hit counts. */
export const WeightedTermSchema = z.object({
  /**
   * Text to look for. Matching is case-insensitive, ignores punctuation and simple inflections
   * ("locked out" also matches "Locked-out", "lock out"; "update" matches "updates", "updating").
   */
  term: z
    .string()
    .trim()
    .min(1, { error: 'term must not be empty', abort: true })
    .max(100)
    .refine((t) => /[\p{L}\p{N}]/u.test(t), 'term must contain a letter or digit'),
  /** Evidence weight of one hit: about 1 for a weak hint, 3 for a strong signal, 5 for decisive. */
  weight: z.number().positive('weight must be greater than 0').max(10, 'weight must be at most 10'),
});
export type WeightedTerm = z.infer<typeof WeightedTermSchema>;

/**
 * A sender pattern: an address where `*` matches any run of characters,
 * e.g. `*@alerts.example` or `noreply@backup.*`. Case-insensitive.
 */
export const SenderPatternSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+$/, "sender pattern must look like an address, e.g. '*@alerts.example'");

/** A sender pattern as a case-insensitive regular expression (`*` = any run of characters). */
export function senderPatternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .trim()
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** How the router recognises a workload. */
export const RecogniseSchema = z.object({
  /** Single words (or short compounds) and their weights. */
  keywords: z.array(WeightedTermSchema).default([]),
  /** Multi-word phrases and their weights; usually weightier than keywords. */
  phrases: z.array(WeightedTermSchema).default([]),
  /** Sender address patterns (e.g. monitoring tools); a match is strong evidence. */
  senders: z.array(SenderPatternSchema).optional(),
  /**
   * Channels this workload normally arrives by. A match adds a little evidence; from any other
   * channel the workload's evidence counts half.
   */
  channels: z.array(ChannelSchema).min(1, 'channels, when given, must list at least one channel').optional(),
});
export type Recognise = z.infer<typeof RecogniseSchema>;

/** One kind of work and who owns it. */
export const WorkloadSchema = z.object({
  /** Stable id, lower-case kebab-case, e.g. `password-reset`. Stored on tickets and in reports. */
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'workload id must be lower-case kebab-case, e.g. password-reset'),
  /** What the workload covers, for people reading the document. */
  description: z.string().trim().min(1, 'description must not be empty'),
  /** Who owns it during internal business hours (and at any hour unless `afterHoursOwner` says otherwise). */
  owner: WorkloadOwnerSchema,
  /**
   * Who owns it outside internal business hours. When absent the default after-hours rule
   * applies: internal-owned P1/P2 go to the partner, P3/P4 wait for business hours.
   */
  afterHoursOwner: WorkloadOwnerSchema.optional(),
  /** A decision-rights guardrail: always internal, whatever else the ticket mentions, at any hour. */
  guardrail: z.boolean().default(false),
  /** While the internal backlog exceeds `overflowLimit`, the partner takes this workload. */
  overflowEligible: z.boolean().default(false),
  /** Priority when neither the requester nor an alert's severity gives one. */
  defaultPriority: PrioritySchema,
  /** Estimated minutes to handle one ticket (relief metrics: internal hours freed). */
  handleMinutes: z.number().int('handleMinutes must be a whole number').positive('handleMinutes must be > 0'),
  /** How to recognise it. */
  recognise: RecogniseSchema,
  /** Labelled example subjects, for people and for classifier evaluation. */
  examples: z.array(z.string().trim().min(1)).optional(),
});
export type Workload = z.infer<typeof WorkloadSchema>;

/** Response and resolution targets, in minutes of the owner's calendar. */
export const SlaTargetSchema = z
  .object({
    /** Minutes until the first response is due. */
    firstResponseMinutes: z.number().int().positive('firstResponseMinutes must be > 0'),
    /** Minutes until resolution is due. */
    resolutionMinutes: z.number().int().positive('resolutionMinutes must be > 0'),
    /**
     * Optional: after the first response, the owner updates the ticket at least this often (each
     * status change by the owner starts a new period). No next-update clock when absent.
     */
    nextUpdateMinutes: z.number().int().positive('nextUpdateMinutes must be > 0').optional(),
  })
  .refine((t) => t.firstResponseMinutes <= t.resolutionMinutes, {
    error: 'firstResponseMinutes must not exceed resolutionMinutes',
    path: ['firstResponseMinutes'],
  });
export type SlaTarget = z.infer<typeof SlaTargetSchema>;

/**
 * How SLA clocks behave for a tenant (both sides). Every field has a default, so documents
 * written before the policy existed still parse.
 */
export const SlaPolicySchema = z.object({
  /** Fractions of a target at which a warning goes out (breach is always at 1). */
  warnAt: z
    .array(z.number().gt(0, 'warnAt fractions must be > 0').lt(1, 'warnAt fractions must be < 1'))
    .max(5, 'at most 5 warning fractions')
    .refine((fs) => fs.every((f, i) => i === 0 || f > fs[i - 1]!), {
      error: 'warnAt fractions must be in increasing order, without repeats',
    })
    .default(() => [0.75, 0.9]),
  /** Statuses during which every clock of the ticket stops (a change out of them resumes it). */
  pauseStatuses: z
    .array(z.enum(['acknowledged', 'in_progress', 'waiting_on_customer', 'reopened']))
    .default(() => ['waiting_on_customer' as const]),
  /**
   * A reopened ticket's resolution clock: `resume` goes on from the business time already used
   * (the time it spent resolved does not count); `restart` starts a new period with the full target.
   */
  reopen: z.enum(['resume', 'restart']).default('resume'),
  /**
   * Minutes (on the receiving side's calendar) from a handoff to its acceptance by the new owner;
   * when absent, the receiving side's first-response target for the priority.
   */
  handoffAcceptanceMinutes: z.number().int().positive('handoffAcceptanceMinutes must be > 0').optional(),
  /** Dispatch address of each side: a breach of that side's clock is mailed there. */
  breachNotify: z
    .object({
      partner: z.email({ error: 'breachNotify.partner must be an email address' }).toLowerCase().optional(),
      internal: z.email({ error: 'breachNotify.internal must be an email address' }).toLowerCase().optional(),
    })
    .default(() => ({})),
});
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

/** SLA targets for each priority. */
export const SlaTargetsByPrioritySchema = z.object({
  P1: SlaTargetSchema,
  P2: SlaTargetSchema,
  P3: SlaTargetSchema,
  P4: SlaTargetSchema,
});
export type SlaTargetsByPriority = z.infer<typeof SlaTargetsByPrioritySchema>;

/**
 * Default triage threshold. Recognition confidence is `strength x (1 - runnerUp / (2 x top))`
 * (see packages/routing/src/recognise.ts): a tie between two workloads halves it, so a
 * tie can never reach 0.5. A single strong term in the body (weight 3) or a medium term in the
 * subject (weight 2, counted double) clears it; a single weak hint does not.
 */
export const DEFAULT_TRIAGE_THRESHOLD = 0.5;

/** Default internal open backlog above which overflow-eligible work goes to the partner. */
export const DEFAULT_OVERFLOW_LIMIT = 25;

/**
 * Folding of monitoring alerts: mail from a matching sender whose subject matches the pattern
 * is folded, within the window, into the one open ticket with the same correlation key (the
 * sender plus the pattern's first capture group, or the whole match, lower-cased, with runs of
 * digits folded so that counters and timestamps do not split one alert into many), counting
 * occurrences.
 */
export const AlertRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'alert rule id: lower-case letters, digits, dashes'),
  senders: z.array(SenderPatternSchema).min(1, 'an alert rule needs at least one sender pattern'),
  /** A JavaScript regular expression, matched case-insensitively against the normalised subject. */
  subjectPattern: z.string().refine(
    (p) => {
      try {
        new RegExp(p, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { error: 'subjectPattern is not a valid regular expression' },
  ),
  windowMinutes: z
    .number()
    .int()
    .positive()
    .default(24 * 60),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

/** How email becomes tickets. */
export const EmailIntakeSchema = z.object({
  /** A part over this is not stored as an attachment; the raw message keeps it and the ticket says so. */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** A message over this is quarantined (kept raw). */
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    .default(30 * 1024 * 1024),
  /** At most this many acknowledgements to one sender per hour (loop and flood guard). */
  autoRepliesPerSenderPerHour: z.number().int().nonnegative().default(5),
  alertRules: z.array(AlertRuleSchema).default([]),
});
export type EmailIntake = z.infer<typeof EmailIntakeSchema>;

const share = (name: string) =>
  z
    .number({ error: `${name} must be a number` })
    .min(0, `${name} must be between 0 and 1`)
    .max(1, `${name} must be between 0 and 1`);

/**
 * The partnership's monthly targets, each a share from 0 to 1: tickets the partner handled,
 * after-hours tickets the partner absorbed, SLA clocks met.
 */
export const TargetsSchema = z.object({
  partnerShare: share('targets.partnerShare').default(0.7),
  afterHoursAbsorbed: share('targets.afterHoursAbsorbed').default(0.9),
  slaAttainment: share('targets.slaAttainment').default(0.95),
});
export type Targets = z.infer<typeof TargetsSchema>;

export const DivisionOfWorkSchema = z
  .object({
    /** Tenant the document belongs to. */
    tenantId: TenantIdSchema,
    /** Tenant's display name. */
    name: z.string().trim().min(1, 'name must not be empty').max(200),
    /** Document version, recorded on every routing decision; bump it on every change. */
    version: z
      .number({ error: 'version must be a number' })
      .int('version must be a whole number')
      .positive('version must be a positive integer'),
    /** Instant from which this version applies (ISO 8601 with `Z` or an offset). */
    effectiveFrom: z.iso.datetime({ offset: true, error: 'effectiveFrom must be an ISO 8601 instant' }),
    /** Tenant's home time zone (IANA): reports and month boundaries use it. */
    timeZone: TimeZoneSchema,
    /** Mailboxes that receive tickets by email. */
    supportAddresses: z
      .array(z.email({ error: 'support address must be an email address' }).toLowerCase())
      .min(1, 'at least one support address is needed'),
    /** Internal business hours and holidays: outside them is "after hours". */
    internalCalendar: ResolvedCalendarSchema,
    /** When the partner covers. */
    partnerCoverage: z.object({
      /** Partner coverage calendar; partner SLA minutes run on it. Default 24x7x365. */
      calendar: ResolvedCalendarSchema.default(ALWAYS_OPEN),
    }),
    /** The workloads, in order; on a recognition tie the earlier one wins. */
    workloads: z.array(WorkloadSchema).min(1, 'at least one workload is needed'),
    /** Requesters who are always internal-owned and one priority step higher. */
    vipRequesters: z
      .array(z.email({ error: 'VIP requester must be an email address' }).toLowerCase())
      .default([]),
    /** Overflow: while the internal open backlog exceeds this, overflow-eligible work goes to the partner. */
    overflowLimit: z
      .number()
      .int()
      .nonnegative('overflowLimit must be 0 or more')
      .default(DEFAULT_OVERFLOW_LIMIT),
    /**
     * Recognition confidence (0..1) below which a ticket goes to triage rather than a guess;
     * guardrail workloads fire when their own evidence reaches it.
     */
    triageThreshold: z
      .number()
      .gt(0, 'triageThreshold must be greater than 0')
      .max(1, 'triageThreshold must be at most 1')
      .default(DEFAULT_TRIAGE_THRESHOLD),
    /** SLA targets per owner and priority. Partner minutes on the partner calendar, internal on the internal one. */
    slaTargets: z.object({
      partner: SlaTargetsByPrioritySchema,
      internal: SlaTargetsByPrioritySchema,
    }),
    /** Warnings, pauses, reopen, handoff acceptance and breach notification (defaults apply). */
    slaPolicy: SlaPolicySchema.default(() => SlaPolicySchema.parse({})),
    /** Email intake settings: size limits, acknowledgement rate, alert folding. */
    emailIntake: EmailIntakeSchema.default(EmailIntakeSchema.parse({})),
    /** Who signs in to the web app and with which role (default: nobody). */
    people: PeopleSchema.default(() => PeopleSchema.parse({})),
    /** What the partnership aims for each month: the dashboard shows each figure against its target. */
    targets: TargetsSchema.default(() => TargetsSchema.parse({})),
    /** The monthly team pulse and digest (./measures-settings.ts). */
    pulse: PulseSettingsSchema.default(() => ({ recipients: [] })),
    digest: DigestSettingsSchema.default(() => ({})),
  })
  .superRefine((doc, ctx) => {
    // Every text of the document, whichever field it is in: names, descriptions, terms, patterns.
    for (const { path, text } of stringsOf(doc)) {
      const problem = textProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', path, message: problem });
    }
    const seen = new Map<string, number>();
    doc.workloads.forEach((w, i) => {
      const first = seen.get(w.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'id'],
          message: `duplicate workload id '${w.id}' (also workloads[${first}])`,
        });
      } else {
        seen.set(w.id, i);
      }
      if (w.guardrail && w.owner !== 'internal') {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'owner'],
          message: `guardrail workload '${w.id}' must be owned by 'internal'`,
        });
      }
      if (w.guardrail && w.afterHoursOwner === 'partner') {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'afterHoursOwner'],
          message: `guardrail workload '${w.id}' stays internal at any hour; afterHoursOwner cannot be 'partner'`,
        });
      }
      if (w.guardrail && w.overflowEligible) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'overflowEligible'],
          message: `guardrail workload '${w.id}' cannot be overflow-eligible`,
        });
      }
      const r = w.recognise;
      if (r.keywords.length + r.phrases.length + (r.senders?.length ?? 0) === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'recognise'],
          message: `workload '${w.id}' has no keywords, phrases or senders, so it can never be recognised`,
        });
      }
      for (const kind of ['keywords', 'phrases'] as const) {
        const terms = new Set<string>();
        r[kind].forEach((t, j) => {
          const key = t.term.toLowerCase();
          if (terms.has(key)) {
            ctx.addIssue({
              code: 'custom',
              path: ['workloads', i, 'recognise', kind, j, 'term'],
              message: `duplicate term '${t.term}' in workload '${w.id}'`,
            });
          }
          terms.add(key);
        });
      }
    });
  });

/** A validated division of work (defaults applied). */
export type DivisionOfWork = z.infer<typeof DivisionOfWorkSchema>;
/** A division of work as written (optional fields may be omitted). */
export type DivisionOfWorkInput = z.input<typeof DivisionOfWorkSchema>;

/** Parses a division of work; throws a `ValidationError` whose issues name each problem's path. */
export function parseDivisionOfWork(input: unknown): DivisionOfWork {
  const result = DivisionOfWorkSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ValidationError(`invalid division of work: ${summary}`, issues, { cause: result.error });
}
