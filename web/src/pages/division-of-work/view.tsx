import type { ComponentChildren } from 'preact';
import type { Calendar, Document, Term, Workload } from './data.ts';
import { PRIORITIES } from './data.ts';
import { Scroll } from './scroll.tsx';
import { topLevelSection } from './yaml-paths.ts';

/**
 * The current division of work, readable: who owns which workload and how it is recognised, the
 * guardrails, VIPs, calendars, SLA targets and policy, and who signs in. A section this page does
 * not know (added to the schema later) is shown as the YAML the API wrote for it.
 */

/** Sections laid out below; any other top-level field is shown as YAML. */
const KNOWN = new Set([
  'tenantId',
  'name',
  'version',
  'effectiveFrom',
  'timeZone',
  'supportAddresses',
  'internalCalendar',
  'partnerCoverage',
  'workloads',
  'vipRequesters',
  'overflowLimit',
  'triageThreshold',
  'slaTargets',
  'slaPolicy',
  'people',
]);

const OWNER: Record<string, string> = { partner: 'MSP partner', internal: 'Internal IT' };
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES: Record<(typeof DAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** `90` → `1 h 30 min` (no days: SLA minutes are business time, where a day is not 24 h). */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const mins = minutes % 60;
  return [hours ? `${hours} h` : '', mins ? `${mins} min` : ''].filter(Boolean).join(' ') || '0 min';
}

/** An instant in words, in `timeZone` (the tenant's) or the reader's; with the zone's name. */
export const formatInstant = (iso: string | null, timeZone?: string) =>
  iso
    ? // timeStyle 'long' carries the zone's name (dateStyle cannot be combined with timeZoneName).
      new Date(iso).toLocaleString('en-US', {
        dateStyle: 'medium',
        timeStyle: 'long',
        ...(timeZone ? { timeZone } : {}),
      })
    : '—';

/** How many terms show before the rest fold away (a workload may have dozens). */
const TERMS_SHOWN = 8;

/** Terms, strongest first: the first few inline, the rest behind a disclosure. */
function Terms({ label, list }: { label: string; list: Term[] }) {
  if (list.length === 0) return null;
  const sorted = [...list].sort((a, b) => b.weight - a.weight);
  const text = (ts: Term[]) => ts.map((t) => `${t.term} (${t.weight})`).join(', ');
  return (
    <div>
      <span class="dow-muted">{label}:</span> {text(sorted.slice(0, TERMS_SHOWN))}
      {sorted.length > TERMS_SHOWN ? (
        <details>
          <summary>
            {sorted.length - TERMS_SHOWN} more {label}
          </summary>
          {text(sorted.slice(TERMS_SHOWN))}
        </details>
      ) : null}
    </div>
  );
}

/** `emailIntake` → `Email intake`: a heading for a section this page has no layout for. */
export const sectionTitle = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function WorkloadRow({ w }: { w: Workload }) {
  return (
    <tr>
      <th scope="row">
        <code>{w.id}</code>
        <div class="dow-muted">{w.description}</div>
      </th>
      <td>
        {OWNER[w.owner]}
        {w.afterHoursOwner && w.afterHoursOwner !== w.owner ? (
          <div class="dow-muted">after hours: {OWNER[w.afterHoursOwner]}</div>
        ) : null}
      </td>
      <td>{w.defaultPriority}</td>
      <td>
        {[w.guardrail ? 'guardrail' : '', w.overflowEligible ? 'overflow' : ''].filter(Boolean).join(', ') ||
          '—'}
      </td>
      <td class="dow-terms">
        <Terms label="keywords" list={w.recognise.keywords} />
        <Terms label="phrases" list={w.recognise.phrases} />
        {w.recognise.senders?.length ? (
          <div>
            <span class="dow-muted">senders:</span> {w.recognise.senders.join(', ')}
          </div>
        ) : null}
        {w.recognise.channels?.length ? (
          <div>
            <span class="dow-muted">channels:</span> {w.recognise.channels.join(', ')}
          </div>
        ) : null}
      </td>
      <td>{formatMinutes(w.handleMinutes)}</td>
    </tr>
  );
}

function CalendarView({ title, calendar }: { title: string; calendar: Calendar }) {
  const id = `cal-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} class="dow-calendar">
      <h3 id={id}>{title}</h3>
      <p>Time zone: {calendar.timeZone}</p>
      <table class="dow-hours">
        <caption class="dow-visually-hidden">{title}: hours by day</caption>
        <tbody>
          {DAYS.map((d) => (
            <tr key={d}>
              <th scope="row">{DAY_NAMES[d]}</th>
              <td>{calendar.hours[d]?.map(([from, to]) => `${from}–${to}`).join(', ') || 'closed'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {calendar.holidays?.length ? <p>Holidays: {calendar.holidays.join(', ')}</p> : null}
      {calendar.recurringHolidays?.length ? <p>Every year: {calendar.recurringHolidays.join(', ')}</p> : null}
      {calendar.publicHolidays ? (
        <p>
          Public holidays of {calendar.publicHolidays.country}
          {calendar.publicHolidays.state ? `-${calendar.publicHolidays.state}` : ''}
          {calendar.publicHolidays.region ? ` (${calendar.publicHolidays.region})` : ''}
        </p>
      ) : null}
    </section>
  );
}

function Section(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** The document, readable; `yaml` is the same version as YAML (for sections this page does not know). */
export function DocumentView({ doc, yaml }: { doc: Document; yaml: string | null }) {
  const guardrails = doc.workloads.filter((w) => w.guardrail);
  const unknown = Object.keys(doc).filter((k) => !KNOWN.has(k));
  const roles = Object.entries(doc.people?.roles ?? {});
  return (
    <div class="dow-view">
      <Section id="dow-summary" title={`${doc.name}: version ${doc.version}`}>
        <dl>
          <dt>In force since</dt>
          <dd>{formatInstant(doc.effectiveFrom, doc.timeZone)}</dd>
          <dt>Time zone</dt>
          <dd>{doc.timeZone}</dd>
          <dt>Support addresses</dt>
          <dd>{doc.supportAddresses.join(', ')}</dd>
          <dt>Triage below confidence</dt>
          <dd>{doc.triageThreshold}</dd>
          <dt>Overflow to the partner</dt>
          <dd>while internal IT has more than {doc.overflowLimit} open tickets</dd>
        </dl>
      </Section>

      <Section id="dow-workloads" title="Workloads">
        <Scroll label="Workloads">
          <table class="dow-table">
            <caption class="dow-visually-hidden">Workloads, their owners, priorities and keywords</caption>
            <thead>
              <tr>
                <th scope="col">Workload</th>
                <th scope="col">Owner</th>
                <th scope="col">Default priority</th>
                <th scope="col">Flags</th>
                <th scope="col">Recognised by</th>
                <th scope="col">Handle time</th>
              </tr>
            </thead>
            <tbody>
              {doc.workloads.map((w) => (
                <WorkloadRow key={w.id} w={w} />
              ))}
            </tbody>
          </table>
        </Scroll>
      </Section>

      <Section id="dow-guardrails" title="Guardrails">
        {guardrails.length ? (
          <ul>
            {guardrails.map((w) => (
              <li key={w.id}>
                <code>{w.id}</code> stays with internal IT at any hour, whatever else a ticket mentions.
              </li>
            ))}
          </ul>
        ) : (
          <p>No guardrail workloads.</p>
        )}
      </Section>

      <Section id="dow-vips" title="VIP requesters">
        {doc.vipRequesters.length ? (
          <>
            <p>Always internal IT, one priority step higher.</p>
            <ul>
              {doc.vipRequesters.map((v) => (
                <li key={v}>{v}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>No VIP requesters.</p>
        )}
      </Section>

      <Section id="dow-calendars" title="Calendars">
        <div class="dow-columns">
          <CalendarView title="Internal IT business hours" calendar={doc.internalCalendar} />
          <CalendarView title="Partner coverage" calendar={doc.partnerCoverage.calendar} />
        </div>
      </Section>

      <Section id="dow-sla" title="SLA targets and policy">
        <p class="dow-muted">In business time of the owning side’s calendar.</p>
        <Scroll label="SLA targets">
          <table class="dow-table">
            <caption class="dow-visually-hidden">SLA targets by side and priority</caption>
            <thead>
              <tr>
                <th scope="col">Side</th>
                <th scope="col">Priority</th>
                <th scope="col">First response</th>
                <th scope="col">Resolution</th>
                <th scope="col">Next update</th>
              </tr>
            </thead>
            <tbody>
              {(['internal', 'partner'] as const).flatMap((side) =>
                PRIORITIES.map((p) => {
                  const t = doc.slaTargets[side][p];
                  return (
                    <tr key={`${side}-${p}`}>
                      <th scope="row">{OWNER[side]}</th>
                      <td>{p}</td>
                      <td>{formatMinutes(t.firstResponseMinutes)}</td>
                      <td>{formatMinutes(t.resolutionMinutes)}</td>
                      <td>{t.nextUpdateMinutes ? formatMinutes(t.nextUpdateMinutes) : '—'}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </Scroll>
        <dl class="dow-policy">
          <dt>Warnings at</dt>
          <dd>{doc.slaPolicy.warnAt.map((f) => `${Math.round(f * 100)} %`).join(', ') || 'none'}</dd>
          <dt>Clocks pause while</dt>
          <dd>{doc.slaPolicy.pauseStatuses.join(', ').replaceAll('_', ' ') || 'never'}</dd>
          <dt>A reopened ticket</dt>
          <dd>{doc.slaPolicy.reopen === 'restart' ? 'restarts its clock' : 'resumes its clock'}</dd>
          <dt>Handoff acceptance</dt>
          <dd>
            {doc.slaPolicy.handoffAcceptanceMinutes
              ? formatMinutes(doc.slaPolicy.handoffAcceptanceMinutes)
              : 'the receiving side’s first-response target'}
          </dd>
          <dt>Breaches mailed to</dt>
          <dd>
            {[
              doc.slaPolicy.breachNotify.internal && `internal: ${doc.slaPolicy.breachNotify.internal}`,
              doc.slaPolicy.breachNotify.partner && `partner: ${doc.slaPolicy.breachNotify.partner}`,
            ]
              .filter(Boolean)
              .join('; ') || 'nobody'}
          </dd>
        </dl>
      </Section>

      <Section id="dow-people" title="People">
        {roles.length ? (
          <table class="dow-table">
            <caption class="dow-visually-hidden">People and their roles</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {roles.map(([email, role]) => (
                <tr key={email}>
                  <td>{email}</td>
                  <td>{role}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No one is assigned a role.</p>
        )}
        <p>
          Requesters: anyone at{' '}
          {doc.people?.requesterDomains?.length ? doc.people.requesterDomains.join(', ') : 'no domain'}.
        </p>
      </Section>

      {unknown.map((key) => (
        <Section key={key} id={`dow-section-${key}`} title={sectionTitle(key)}>
          <pre class="dow-yaml">
            {(yaml && topLevelSection(yaml, key)) ?? JSON.stringify(doc[key], null, 2)}
          </pre>
        </Section>
      ))}
    </div>
  );
}
