import { z } from 'zod';
import { ALWAYS_OPEN, CalendarSchema, isValidTimeZone } from './calendar.ts';
import { ValidationError } from './errors.ts';
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
 * (see services/router/src/domain/recognise.ts): a tie between two workloads halves it, so a
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
    internalCalendar: CalendarSchema,
    /** When the partner covers. */
    partnerCoverage: z.object({
      /** Partner coverage calendar; partner SLA minutes run on it. Default 24x7x365. */
      calendar: CalendarSchema.default(ALWAYS_OPEN),
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
  })
  .superRefine((doc, ctx) => {
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

// ---------------------------------------------------------------------------------------------
// The default that ships
// ---------------------------------------------------------------------------------------------

type TermList = readonly (readonly [term: string, weight: number])[];
const terms = (list: TermList): { term: string; weight: number }[] =>
  list.map(([term, weight]) => ({ term, weight }));

type WorkloadInput = z.input<typeof WorkloadSchema>;

/** The shipped default workloads (DESIGN.md table). */
function defaultWorkloads(tenantId: string): WorkloadInput[] {
  return [
    {
      id: 'password-reset',
      description: 'Forgotten or expired passwords, locked-out or disabled accounts, MFA/2FA device resets.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P3',
      handleMinutes: 15,
      recognise: {
        keywords: terms([
          ['password', 3],
          ['passcode', 1.5],
          ['reset', 1.5],
          ['unlock', 3],
          ['locked', 2],
          ['forgot', 2],
          ['mfa', 2],
          ['2fa', 2.5],
          ['authenticator', 3],
          ['otp', 2],
          ['sspr', 3],
          ['duo', 1.5],
          ['okta', 1.5],
          ['yubikey', 2],
          ['credentials', 1],
          ['login', 1],
          ['signin', 1],
        ]),
        phrases: terms([
          ['password reset', 4],
          ['reset my password', 4],
          ['reset password', 4],
          ['forgot my password', 4],
          ['forgotten password', 4],
          ['password expired', 4],
          ['expired password', 4],
          ['password has expired', 4],
          ['change my password', 3],
          ['wrong password', 3],
          ['incorrect password', 3],
          ['locked out', 4],
          ['account locked', 4],
          ['account is locked', 4],
          ['account disabled', 3],
          ['unlock my account', 4],
          ["can't log in", 3],
          ["can't log on", 3],
          ["can't sign in", 3],
          ['unable to log in', 3],
          ['unable to sign in', 3],
          ['not able to log in', 3],
          ['login failed', 3],
          ['sign in failed', 3],
          ['mfa reset', 4],
          ['reset mfa', 4],
          ['reset my mfa', 4],
          ['reset 2fa', 4],
          ['authenticator app', 4],
          ['new phone', 2],
          ['lost my phone', 2.5],
          ['verification code', 3],
          ['security code', 2],
          ['two factor', 2.5],
          ['multi factor', 2],
          ['keeps asking for my password', 3],
          ['self service password', 4],
        ]),
      },
      examples: [
        'Locked out of my account after vacation',
        "Can't log in - password expired",
        'Need MFA reset, got a new phone',
        'Forgot my password',
      ],
    },
    {
      id: 'connectivity',
      description: 'Wi-Fi, VPN, internet down or slow, cannot connect to the network or a file share.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P2',
      handleMinutes: 30,
      recognise: {
        keywords: terms([
          ['wifi', 3],
          ['wireless', 2],
          ['vpn', 3],
          ['internet', 2.5],
          ['network', 2],
          ['ethernet', 2],
          ['disconnect', 2.5],
          ['connectivity', 3],
          ['connection', 1.5],
          ['connect', 1],
          ['offline', 1.5],
          ['hotspot', 2],
          ['ssid', 3],
          ['dns', 2],
          ['dhcp', 2],
          ['latency', 2],
          ['globalprotect', 3],
          ['anyconnect', 3],
          ['forticlient', 3],
          ['rdp', 1.5],
        ]),
        phrases: terms([
          ['no internet', 4],
          ['internet down', 4],
          ['internet is down', 4],
          ['internet not working', 4],
          ['internet is slow', 4],
          ['slow internet', 4],
          ['internet slow', 4],
          ['wifi not working', 4],
          ['wifi keeps dropping', 4],
          ['vpn not connecting', 4],
          ["vpn won't connect", 4],
          ["can't connect", 3],
          ['unable to connect', 3],
          ['cannot reach', 2],
          ['connection dropped', 3],
          ['keeps dropping', 3],
          ['network drive', 3],
          ['mapped drive', 3],
          ['shared drive', 2.5],
          ['file share', 3],
          ['network share', 3],
          ['no connection', 3],
          ['no network', 3],
          ['ip address', 2],
          ['packet loss', 3],
          ['access point', 2],
          ['remote desktop', 2],
          ['network cable', 2],
        ]),
      },
      examples: [
        "VPN won't connect from home",
        'Wi-Fi keeps dropping in conference room B',
        'No internet on the 3rd floor',
        "Can't reach the S: drive",
      ],
    },
    {
      id: 'endpoint-security',
      description: 'Antivirus and EDR, malware or virus alerts, patching, Windows/OS updates.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P3',
      handleMinutes: 30,
      recognise: {
        keywords: terms([
          ['antivirus', 4],
          ['antimalware', 4],
          ['malware', 4],
          ['virus', 3],
          ['ransomware', 4],
          ['trojan', 3],
          ['spyware', 3],
          ['adware', 3],
          ['infected', 3],
          ['infection', 3],
          ['defender', 2.5],
          ['crowdstrike', 3],
          ['falcon', 1.5],
          ['sentinelone', 3],
          ['sophos', 2.5],
          ['mcafee', 2.5],
          ['bitdefender', 2.5],
          ['edr', 2.5],
          ['quarantine', 2.5],
          ['detection', 1.5],
          ['patch', 3],
          ['update', 1.5],
          ['cve', 3],
          ['vulnerability', 3],
          ['bitlocker', 2],
          ['popup', 1.5],
        ]),
        phrases: terms([
          ['virus alert', 4],
          ['malware alert', 4],
          ['threat detected', 4],
          ['windows update', 4],
          ['windows updates failing', 4],
          ['security update', 4],
          ['os update', 3],
          ['macos update', 3],
          ['windows 11 upgrade', 3],
          ['pending restart', 2.5],
          ['reboot required', 2],
          ['firmware update', 2.5],
          ['patch tuesday', 4],
          ['missing patches', 4],
          ['virus scan', 3],
          ['full scan', 2],
          ['windows defender', 3],
          ['microsoft defender', 3],
        ]),
        senders: ['*@*crowdstrike.com', '*@*sentinelone.net', '*@*sophos.com'],
      },
      examples: [
        'Virus alert popped up on my laptop',
        'CrowdStrike detection on LT-0042',
        'Windows updates failing with error 0x800f081f',
      ],
    },
    {
      id: 'monitoring-alert',
      description: 'Alert mail from monitoring, backup, firewall or log tools; log review.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P2',
      handleMinutes: 20,
      recognise: {
        keywords: terms([
          ['alert', 2],
          ['alarm', 1.5],
          ['critical', 1.5],
          ['warning', 1],
          ['threshold', 2],
          ['severity', 2],
          ['backup', 2.5],
          ['veeam', 4],
          ['datto', 3],
          ['acronis', 3],
          ['nagios', 3],
          ['zabbix', 3],
          ['prtg', 3],
          ['solarwinds', 3],
          ['datadog', 3],
          ['unreachable', 2.5],
          ['heartbeat', 2.5],
          ['uptime', 2],
          ['syslog', 3],
          ['siem', 3],
          ['firewall', 1.5],
          ['fortigate', 2.5],
          ['sonicwall', 2.5],
          ['meraki', 2],
          ['raid', 2.5],
          ['degraded', 2.5],
          ['replication', 2.5],
          ['snapshot', 2],
        ]),
        phrases: terms([
          ['backup failed', 5],
          ['backup job', 4],
          ['job failed', 3],
          ['backup warning', 4],
          ['disk space', 4],
          ['low disk space', 4],
          ['disk space critical', 5],
          ['high cpu', 4],
          ['cpu usage', 3],
          ['memory usage', 3],
          ['server down', 4],
          ['host down', 4],
          ['service down', 3],
          ['service stopped', 3],
          ['is not responding', 2],
          ['log review', 4],
          ['event log', 2.5],
          ['failed logins', 2.5],
          ['certificate expiring', 3],
          ['on battery', 3],
          ['ups on battery', 4],
          ['ha failover', 3],
          ['monitoring alert', 3],
          ['monitoring system', 2.5],
        ]),
        senders: [
          'alerts@*',
          'alert@*',
          'monitoring@*',
          'noreply@backup.*',
          `*@alerts.${tenantId}.example`,
          'veeam@*',
          'nagios@*',
          'zabbix@*',
          'prtg@*',
        ],
        channels: ['email', 'api'],
      },
      examples: [
        '[Veeam] Backup job FS01-Nightly failed',
        'PROBLEM: Disk space critical on SQL02 (C: 3% free)',
        'FortiGate HA failover detected',
      ],
    },
    {
      id: 'm365-admin',
      description: 'Mailboxes, shared mailboxes, distribution lists, Teams, SharePoint and OneDrive access.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P3',
      handleMinutes: 20,
      recognise: {
        keywords: terms([
          ['mailbox', 3],
          ['sharepoint', 3],
          ['onedrive', 3],
          ['outlook', 2],
          ['exchange', 2],
          ['o365', 2],
          ['m365', 2],
          ['alias', 2.5],
          ['forwarding', 2.5],
          ['delegate', 2],
          ['calendar', 1.5],
          ['onboarding', 2],
          ['offboarding', 2],
          ['leaver', 2],
          ['email', 1],
          ['permissions', 1.5],
          ['team', 0.5],
          ['license', 1.5],
        ]),
        phrases: terms([
          ['shared mailbox', 4],
          ['distribution list', 4],
          ['distribution group', 4],
          ['mailbox full', 4],
          ['mailbox size', 3],
          ['microsoft teams', 4],
          ['ms teams', 4],
          ['teams channel', 4],
          ['teams meeting', 3],
          ['teams call', 3],
          ['teams chat', 3],
          ['in teams', 2],
          ['team site', 3],
          ['sharepoint site', 4],
          ['site access', 3],
          ['shared calendar', 3],
          ['calendar permissions', 3],
          ['out of office', 3],
          ['auto reply', 2.5],
          ['email forwarding', 4],
          ['send as', 3],
          ['send on behalf', 4],
          ['office 365', 2],
          ['microsoft 365', 2],
          ['exchange online', 3],
          ['new user account', 3],
          ['create an account', 2.5],
          ['new starter', 2.5],
          ['group membership', 3],
          ['add me to', 2],
        ]),
      },
      examples: [
        'Please add Dana to the Finance shared mailbox',
        'Create a distribution list for the Boston office',
        "Can't open the Marketing SharePoint site",
        'OneDrive not syncing',
      ],
    },
    {
      id: 'phishing-report',
      description: 'Suspicious email, phishing, spam reports.',
      owner: 'partner',
      guardrail: false,
      overflowEligible: false,
      defaultPriority: 'P2',
      handleMinutes: 20,
      recognise: {
        keywords: terms([
          ['phishing', 5],
          ['suspicious', 2.5],
          ['spam', 3],
          ['junk', 2],
          ['scam', 3],
          ['spoof', 3],
          ['impersonation', 3],
          ['impersonating', 3],
          ['fraud', 3],
          ['fraudulent', 3],
          ['legit', 2],
          ['legitimate', 1.5],
        ]),
        phrases: terms([
          ['suspicious email', 5],
          ['suspicious message', 5],
          ['suspicious link', 4],
          ['suspicious attachment', 4],
          ['report phishing', 5],
          ['reported message', 3],
          ['fake email', 4],
          ['strange email', 3],
          ['weird email', 3],
          ['clicked a link', 4],
          ['clicked on a link', 4],
          ['clicked the link', 4],
          ['is this legit', 4],
          ['is this legitimate', 4],
          ['is this real', 3],
          ['gift cards', 4],
          ['wire transfer', 3],
          ['unknown sender', 3],
          ['external sender', 2],
          ['verify your account', 2],
          ['credential harvesting', 4],
        ]),
      },
      examples: [
        'Suspicious email from "CEO" asking for gift cards',
        'Phishing? DocuSign link from unknown sender',
        'I clicked a link in a strange email',
      ],
    },
    {
      id: 'hardware',
      description: 'Laptop, desktop, printer, monitor, dock or peripheral broken or needed on site.',
      owner: 'internal',
      guardrail: false,
      overflowEligible: true,
      defaultPriority: 'P3',
      handleMinutes: 45,
      recognise: {
        keywords: terms([
          ['laptop', 3],
          ['desktop', 2.5],
          ['computer', 1],
          ['pc', 1],
          ['printer', 3],
          ['print', 1.5],
          ['scanner', 2.5],
          ['toner', 3],
          ['monitor', 2.5],
          ['flickering', 2],
          ['screen', 2],
          ['keyboard', 2.5],
          ['mouse', 2.5],
          ['dock', 3],
          ['headset', 2.5],
          ['webcam', 2.5],
          ['charger', 3],
          ['battery', 1.5],
          ['projector', 3],
          ['hdmi', 3],
          ['bsod', 4],
          ['hardware', 2.5],
          ['peripheral', 3],
          ['broken', 1.5],
          ['cracked', 2],
          ['spilled', 3],
          ['overheating', 3],
          ['loaner', 3],
          ['onsite', 1.5],
          ['jam', 2],
          ['usb', 1],
        ]),
        phrases: terms([
          ['docking station', 4],
          ['second monitor', 4],
          ['external monitor', 4],
          ['monitor not working', 4],
          ['cracked screen', 4],
          ['broken screen', 4],
          ['blue screen', 4],
          ["won't turn on", 4],
          ["doesn't turn on", 4],
          ['not turning on', 4],
          ["won't boot", 4],
          ['paper jam', 4],
          ['power adapter', 3],
          ['desk phone', 3],
          ['hard drive', 2.5],
          ['computer is slow', 3],
          ['laptop is slow', 3],
          ['fan noise', 3],
          ['new laptop', 3],
          ['replacement laptop', 4],
          ['not printing', 4],
        ]),
      },
      examples: [
        "Laptop won't turn on after update",
        'Printer on 2nd floor jammed again',
        'Need a second monitor for my desk',
        'Docking station not detecting monitors',
      ],
    },
    {
      id: 'general-request',
      description: 'How-to questions and requests that fit nothing else but are clearly IT.',
      owner: 'internal',
      guardrail: false,
      overflowEligible: true,
      defaultPriority: 'P4',
      handleMinutes: 30,
      recognise: {
        keywords: terms([
          ['install', 2],
          ['software', 1.5],
          ['application', 1],
          ['excel', 2],
          ['powerpoint', 2],
          ['adobe', 2],
          ['acrobat', 2],
          ['pdf', 1.5],
          ['zoom', 2],
          ['chrome', 2],
          ['browser', 1.5],
          ['bookmark', 2],
          ['shortcut', 2],
          ['signature', 2],
          ['restore', 2],
          ['recover', 2],
          ['training', 2],
          ['setup', 1.5],
          ['question', 1],
          ['freezing', 1.5],
          ['crashing', 1.5],
        ]),
        phrases: terms([
          ['how do i', 3],
          ['how can i', 2.5],
          ['how to', 2],
          ['is there a way to', 2.5],
          ['please install', 3],
          ['install software', 3],
          ['software install', 3],
          ['microsoft word', 3],
          ['restore a file', 3],
          ['deleted file', 3],
          ['deleted folder', 3],
          ['email signature', 3],
          ['help with', 1],
        ]),
      },
      examples: [
        'How do I add an email signature?',
        'Please install Adobe Acrobat on my PC',
        'Restore a file I deleted yesterday',
      ],
    },
    {
      id: 'purchasing-budget',
      description: 'Purchases, quotes, budget, renewals, invoices and licence spend approval.',
      owner: 'internal',
      guardrail: true,
      overflowEligible: false,
      defaultPriority: 'P4',
      handleMinutes: 60,
      recognise: {
        keywords: terms([
          ['purchase', 3],
          ['buy', 2],
          ['quote', 2],
          ['quotation', 3],
          ['budget', 2],
          ['renewal', 3],
          ['renew', 2.5],
          ['invoice', 3],
          ['billing', 2],
          ['pricing', 2],
          ['procurement', 3],
          ['cost', 1],
          ['spend', 2],
          ['subscription', 1.5],
          ['license', 1],
          ['licence', 1],
          ['capex', 3],
          ['opex', 3],
        ]),
        phrases: terms([
          ['quote for', 3],
          ['purchase order', 4],
          ['po number', 3],
          ['budget approval', 5],
          ['budget request', 4],
          ['budget for', 3],
          ['is there budget', 4],
          ['approve the purchase', 5],
          ['spend approval', 5],
          ['license renewal', 4],
          ['licence renewal', 4],
          ['contract renewal', 4],
          ['additional licenses', 4],
          ['more licenses', 3],
          ['buy licenses', 4],
          ['can we buy', 3],
          ['order new', 2],
          ['price quote', 4],
          ['vendor invoice', 4],
        ]),
      },
      examples: [
        'Quote for 10 new laptops for the sales team',
        'Adobe licence renewal - approve spend?',
        'Invoice from Contoso for firewall support',
      ],
    },
    {
      id: 'security-exception',
      description:
        'Firewall or policy exceptions, MFA exemptions, admin-rights exceptions, access to sensitive data.',
      owner: 'internal',
      guardrail: true,
      overflowEligible: false,
      defaultPriority: 'P3',
      handleMinutes: 45,
      recognise: {
        keywords: terms([
          ['exception', 1],
          ['exemption', 3],
          ['exempt', 3],
          ['whitelist', 3],
          ['allowlist', 3],
          ['unblock', 2.5],
          ['confidential', 1],
          ['pii', 3],
          ['byod', 3],
          ['elevated', 2],
        ]),
        phrases: terms([
          ['firewall exception', 5],
          ['firewall rule', 4],
          ['open port', 4],
          ['open a port', 4],
          ['port forwarding', 4],
          ['policy exception', 5],
          ['security exception', 5],
          ['exception request', 4],
          ['admin rights', 5],
          ['administrator rights', 5],
          ['local admin', 5],
          ['admin access', 4],
          ['elevated privileges', 4],
          ['elevated access', 4],
          ['privileged access', 4],
          ['domain admin', 4],
          ['global admin', 4],
          ['mfa exemption', 5],
          ['disable mfa', 5],
          ['turn off mfa', 5],
          ['bypass mfa', 5],
          ['exclude from mfa', 5],
          ['without mfa', 4],
          ['disable antivirus', 5],
          ['turn off antivirus', 5],
          ['antivirus exclusion', 5],
          ['usb exception', 4],
          ['usb storage', 3],
          ['sensitive data', 4],
          ['payroll data', 4],
          ['access to payroll', 4],
          ['hr data', 3],
          ['customer data', 3],
          ['personal data', 2],
          ['confidential folder', 4],
          ['confidential files', 4],
          ['hr confidential', 4],
          ['data export', 3],
          ['external sharing', 4],
          ['blocked website', 3],
          ['website blocked', 3],
          ['personal device', 2],
        ]),
      },
      examples: [
        'Need local admin rights to install drivers',
        'Firewall exception for vendor remote access',
        'Exempt the warehouse kiosk account from MFA',
        'Request access to the payroll data share',
      ],
    },
    {
      id: 'strategic-project',
      description: 'Projects, migrations, architecture, new systems, database upgrades, vendor selection.',
      owner: 'internal',
      guardrail: true,
      overflowEligible: false,
      defaultPriority: 'P4',
      handleMinutes: 120,
      recognise: {
        keywords: terms([
          ['project', 1],
          ['migration', 3],
          ['migrate', 3],
          ['architecture', 3],
          ['roadmap', 3],
          ['rfp', 3],
          ['implementation', 2],
          ['rollout', 2],
          ['erp', 1],
          ['crm', 1],
          ['infrastructure', 1.5],
          ['upgrade', 1],
          ['poc', 2],
        ]),
        phrases: terms([
          ['new system', 4],
          ['new platform', 3],
          ['database upgrade', 4],
          ['server upgrade', 3],
          ['vendor selection', 4],
          ['evaluate vendors', 4],
          ['cloud migration', 4],
          ['move to azure', 3],
          ['move to the cloud', 3],
          ['tenant to tenant', 4],
          ['proof of concept', 3],
          ['design review', 3],
          ['project plan', 4],
          ['project kickoff', 4],
          ['new project', 3],
          ['data center', 2],
          ['replace our', 2],
        ]),
      },
      examples: [
        'Plan the file server migration to SharePoint',
        'Vendor selection for the new ERP system',
        'SQL Server 2016 database upgrade',
      ],
    },
  ];
}

/** SLA targets that ship. */
const defaultSlaTargets = () => ({
  partner: {
    P1: { firstResponseMinutes: 15, resolutionMinutes: 240 },
    P2: { firstResponseMinutes: 30, resolutionMinutes: 480 },
    P3: { firstResponseMinutes: 120, resolutionMinutes: 1440 },
    P4: { firstResponseMinutes: 240, resolutionMinutes: 4320 },
  },
  internal: {
    P1: { firstResponseMinutes: 30, resolutionMinutes: 240 },
    P2: { firstResponseMinutes: 60, resolutionMinutes: 480 },
    P3: { firstResponseMinutes: 240, resolutionMinutes: 1620 },
    P4: { firstResponseMinutes: 480, resolutionMinutes: 2700 },
  },
});

/**
 * The division of work that ships (DESIGN.md "The default that ships"): America/New_York,
 * internal Mon-Fri 08:00-17:00 with US federal holidays, partner 24x7x365, the 11 workloads.
 * A fresh object on every call.
 */
export function defaultDivisionOfWork(tenantId = 'acme', name = 'Acme Corp'): DivisionOfWorkInput {
  const hours = (): [string, string][] => [['08:00', '17:00']];
  return {
    tenantId,
    name,
    version: 1,
    effectiveFrom: '2026-01-01T05:00:00Z',
    timeZone: 'America/New_York',
    supportAddresses: [`support@${tenantId}.example`],
    internalCalendar: {
      timeZone: 'America/New_York',
      hours: { mon: hours(), tue: hours(), wed: hours(), thu: hours(), fri: hours() },
      holidays: [],
      recurringHolidays: [],
      publicHolidays: { country: 'US', types: ['public'] },
    },
    partnerCoverage: { calendar: ALWAYS_OPEN },
    workloads: defaultWorkloads(tenantId),
    vipRequesters: [`ceo@${tenantId}.example`, `cfo@${tenantId}.example`],
    overflowLimit: DEFAULT_OVERFLOW_LIMIT,
    triageThreshold: DEFAULT_TRIAGE_THRESHOLD,
    slaTargets: defaultSlaTargets(),
    emailIntake: {
      autoRepliesPerSenderPerHour: 5,
      alertRules: [
        {
          id: 'monitoring-tools',
          senders: [
            'alerts@*',
            'alert@*',
            'monitoring@*',
            'veeam@*',
            'nagios@*',
            'zabbix@*',
            'prtg@*',
            `*@alerts.${tenantId}.example`,
          ],
          // The whole subject; digits are folded before comparing, so counts and times do not split it.
          subjectPattern: '^(.*)$',
          windowMinutes: 24 * 60,
        },
      ],
    },
  };
}
