import { createHash } from 'node:crypto';
import { type AlertRule, type DivisionOfWork, senderPatternToRegExp } from '@psa/model/division-of-work';
import type { Priority } from '@psa/model/ticket';

/**
 * The alert rule a mail falls under and its correlation key: the rule, the sender, and the
 * subject pattern's capture (lower-cased, digits folded so counters and times do not split one
 * alert into many). Null for mail that is no monitoring alert.
 */
export function matchAlert(
  sender: string,
  subject: string,
  dow: DivisionOfWork,
): { rule: AlertRule; key: string } | null {
  const from = sender.toLowerCase();
  for (const rule of dow.emailIntake.alertRules) {
    if (!rule.senders.some((p) => senderPatternToRegExp(p).test(from))) continue;
    const m = new RegExp(rule.subjectPattern, 'i').exec(subject.trim());
    if (!m) continue;
    const part = (m[1] ?? m[0]).toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
    return { rule, key: createHash('sha256').update(`${rule.id}|${from}|${part}`).digest('hex') };
  }
  return null;
}

/**
 * An alert's own severity, which overrides the workload's default priority (DESIGN.md): the
 * words monitoring tools (Nagios, Zabbix, PRTG, Veeam, firewalls) put in their subjects.
 */
export function alertSeverity(subject: string): Priority | null {
  if (/\b(critical|crit|disaster|emergency|down|unreachable)\b/i.test(subject)) return 'P1';
  if (/\b(high|major|error|failed|failure|problem)\b/i.test(subject)) return 'P2';
  if (/\b(warning|warn|average|minor)\b/i.test(subject)) return 'P3';
  if (/\b(info|information|notice|recovery|recovered|resolved|ok)\b/i.test(subject)) return 'P4';
  return null;
}
