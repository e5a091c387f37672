import { parseDivisionOfWork } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import {
  type Channel,
  type Owner,
  type Priority,
  RoutingDecisionSchema,
  type RoutingRule,
} from '@psa/model/ticket';
import { describe, expect, it } from 'vitest';
import { decideRouting, type RouteInput } from '../src/decide.ts';

/**
 * Routing scenarios under the default division of work (tenant acme, America/New_York,
 * internal Mon-Fri 08:00-17:00 with US federal holidays, partner 24x7, overflow above 25).
 *
 * Times carry their New York offset: EST is -05:00, EDT -04:00 (2026-03-08 to 2026-11-01).
 *
 * Over 400 lines on purpose: one worded table of 60+ scenarios, rule by rule, read as a whole.
 */
const dow = parseDivisionOfWork(defaultDivisionOfWork());

/** Tue 2026-06-16 10:00 EDT: an ordinary business hour. */
const BUSINESS = '2026-06-16T10:00:00-04:00';
/** Tue 2026-11-03 22:14 EST. */
const TUESDAY_NIGHT = '2026-11-03T22:14:00-05:00';
/** Sat 2026-06-13 14:00 EDT. */
const SATURDAY = '2026-06-13T14:00:00-04:00';
/** Sun 2026-06-14 09:30 EDT. */
const SUNDAY = '2026-06-14T09:30:00-04:00';

interface Scenario {
  name: string;
  subject: string;
  body: string;
  from?: string;
  channel?: Channel;
  at?: string;
  backlog?: number;
  priority?: Priority;
  expect: {
    owner: Owner;
    workload: string | null;
    rule?: RoutingRule;
    priority?: Priority;
    afterHours?: boolean;
  };
}

const scenarios: Scenario[] = [
  // --- Rule 3: the workload owner decides (business hours, small backlog) -----------------------
  {
    name: 'a locked-out user goes to the partner as a password reset',
    subject: 'Locked out of my account',
    body: 'Hi, I got locked out after too many attempts this morning. Can you reset it?',
    expect: { owner: 'partner', workload: 'password-reset', rule: 'workload-owner', priority: 'P3' },
  },
  {
    name: 'an expired password blocking login is a password reset',
    subject: 'Password expired',
    body: "My password expired over the weekend and now I can't log in to my laptop.",
    expect: { owner: 'partner', workload: 'password-reset', rule: 'workload-owner' },
  },
  {
    name: 'a new phone needing the authenticator moved is a password reset (MFA reset)',
    subject: 'New phone - need MFA reset',
    body: "I got a new phone and the authenticator app didn't transfer my accounts.",
    expect: { owner: 'partner', workload: 'password-reset' },
  },
  {
    name: 'a user who cannot sign in and asks for a reset is a password reset',
    subject: 'cant sign in!!',
    body: 'Unable to sign in since this morning, says wrong password. Please reset.',
    channel: 'web',
    expect: { owner: 'partner', workload: 'password-reset' },
  },
  {
    name: 'a VPN that will not connect goes to the partner as connectivity at P2',
    subject: "VPN won't connect",
    body: 'Working from home today and GlobalProtect keeps failing to connect.',
    expect: { owner: 'partner', workload: 'connectivity', rule: 'workload-owner', priority: 'P2' },
  },
  {
    name: 'Wi-Fi dropping in a meeting room is connectivity',
    subject: 'Wi-Fi keeps dropping',
    body: 'The wifi in conference room B keeps dropping during calls.',
    expect: { owner: 'partner', workload: 'connectivity' },
  },
  {
    name: 'an office without internet is connectivity',
    subject: 'Internet is down in the Boston office',
    body: 'Nobody on the 3rd floor has internet since 9.',
    expect: { owner: 'partner', workload: 'connectivity' },
  },
  {
    name: 'a mapped drive that cannot be reached is connectivity',
    subject: "Can't get to the S: drive",
    body: 'The mapped drive shows a red X this morning.',
    expect: { owner: 'partner', workload: 'connectivity' },
  },
  {
    name: 'a virus pop-up goes to the partner as endpoint security',
    subject: 'Virus alert popped up',
    body: 'A Windows Defender pop-up says threat detected on my laptop.',
    expect: { owner: 'partner', workload: 'endpoint-security', priority: 'P3' },
  },
  {
    name: 'failing Windows updates are endpoint security',
    subject: 'Windows updates failing',
    body: 'Updates keep failing with error 0x800f081f and it keeps asking to restart.',
    expect: { owner: 'partner', workload: 'endpoint-security' },
  },
  {
    name: 'a CrowdStrike detection mail is endpoint security, not a generic alert',
    subject: 'CrowdStrike Falcon: detection on LT-0042',
    body: 'Detection: malicious file quarantined. Severity: High. Host: LT-0042',
    from: 'falcon@notify.crowdstrike.com',
    expect: { owner: 'partner', workload: 'endpoint-security' },
  },
  {
    name: 'a failed Veeam backup job from the backup server is a monitoring alert',
    subject: '[Failed] Backup job FS01-Nightly',
    body: 'Veeam Backup & Replication: job FS01-Nightly finished with Failed. 2 of 14 VMs failed.',
    from: 'veeam@backup.acme.example',
    expect: { owner: 'partner', workload: 'monitoring-alert', priority: 'P2' },
  },
  {
    name: "a disk-space alert keeps the alert's P1 severity",
    subject: 'PROBLEM: Disk space critical on SQL02',
    body: 'Host: SQL02\nTrigger: Free disk space is less than 5% on C:\nSeverity: Disaster',
    from: 'zabbix@monitor.acme.example',
    channel: 'api',
    priority: 'P1',
    expect: { owner: 'partner', workload: 'monitoring-alert', rule: 'workload-owner', priority: 'P1' },
  },
  {
    name: 'a summary from the backup sender is recognised by its sender alone',
    subject: 'Daily summary: 1 warning',
    body: 'See attached report.',
    from: 'noreply@backup.acme.example',
    expect: { owner: 'partner', workload: 'monitoring-alert' },
  },
  {
    name: 'a firewall HA failover alert is a monitoring alert',
    subject: 'FortiGate HA failover detected',
    body: 'Cluster member FGT-2 became primary at 10:02.',
    from: 'alerts@fw.acme.example',
    expect: { owner: 'partner', workload: 'monitoring-alert' },
  },
  {
    name: 'a request for the weekly log review is a monitoring workload',
    subject: 'Weekly log review',
    body: "Please do the log review for last week's firewall logs.",
    expect: { owner: 'partner', workload: 'monitoring-alert' },
  },
  {
    name: 'shared mailbox access goes to the partner as M365 admin',
    subject: 'Add Dana to the Finance shared mailbox',
    body: 'Please give Dana access to finance@acme.example, she started Monday.',
    expect: { owner: 'partner', workload: 'm365-admin', priority: 'P3' },
  },
  {
    name: 'a new distribution list is M365 admin',
    subject: 'Create a distribution list',
    body: 'We need a distribution list for everyone in the Boston office.',
    expect: { owner: 'partner', workload: 'm365-admin' },
  },
  {
    name: 'OneDrive not syncing is M365 admin',
    subject: 'OneDrive not syncing',
    body: "My OneDrive has a red cross and won't sync my files.",
    expect: { owner: 'partner', workload: 'm365-admin' },
  },
  {
    name: 'SharePoint site access is M365 admin',
    subject: 'Need access to the Marketing SharePoint site',
    body: 'I get access denied on the Marketing team site.',
    channel: 'web',
    expect: { owner: 'partner', workload: 'm365-admin' },
  },
  {
    name: 'a gift-card request from a fake CEO is a phishing report',
    subject: "Suspicious email from 'CEO'",
    body: 'Got an email asking me to buy gift cards urgently. Is this legit?',
    expect: { owner: 'partner', workload: 'phishing-report', priority: 'P2' },
  },
  {
    name: 'a forwarded fake invoice is a phishing report, not purchasing',
    subject: 'Fw: Invoice overdue - action required',
    body: [
      "Is this phishing? I don't know this sender.",
      '',
      '---------- Forwarded message ---------',
      'From: Accounts <billing@evil.example>',
      'Please pay the attached invoice today. Verify your account to avoid suspension.',
    ].join('\n'),
    expect: { owner: 'partner', workload: 'phishing-report', rule: 'workload-owner' },
  },
  {
    name: 'someone who clicked a link in a weird email is a phishing report',
    subject: 'I think I clicked a link',
    body: 'I clicked a link in a weird email and typed my password. What do I do?',
    expect: { owner: 'partner', workload: 'phishing-report' },
  },
  {
    name: 'a laptop that will not turn on stays internal as hardware',
    subject: "Laptop won't turn on",
    body: "I spilled coffee on it yesterday and now it won't turn on.",
    expect: { owner: 'internal', workload: 'hardware', rule: 'workload-owner', priority: 'P3' },
  },
  {
    name: 'a printer jam is hardware',
    subject: 'Printer jammed again',
    body: 'The printer on the 2nd floor has a paper jam.',
    expect: { owner: 'internal', workload: 'hardware' },
  },
  {
    name: 'a second monitor and dock is hardware',
    subject: 'Need a second monitor',
    body: 'Could I get a second monitor and a docking station for my desk?',
    expect: { owner: 'internal', workload: 'hardware' },
  },
  {
    name: 'a flickering monitor is hardware, not monitoring',
    subject: 'Monitor flickering',
    body: 'My monitor keeps flickering since I moved desks.',
    expect: { owner: 'internal', workload: 'hardware' },
  },
  {
    name: 'a how-to question is a general request at P4',
    subject: 'How do I add an email signature?',
    body: "I'd like to set up a signature in Outlook.",
    expect: { owner: 'internal', workload: 'general-request', priority: 'P4' },
  },
  {
    name: 'a software install request is a general request',
    subject: 'Please install Adobe Acrobat',
    body: 'I need Acrobat Pro to edit PDFs.',
    channel: 'web',
    expect: { owner: 'internal', workload: 'general-request' },
  },
  {
    name: 'restoring a deleted file is a general request',
    subject: 'Restore a deleted file',
    body: 'I deleted the Q3 report by accident yesterday, can it be recovered?',
    expect: { owner: 'internal', workload: 'general-request' },
  },

  // --- Rule 1: guardrails beat everything ------------------------------------------------------
  {
    name: 'a quote for new laptops is purchasing, though it talks about hardware',
    subject: 'Quote for 10 new laptops',
    body: 'Sales team is growing, can we get a quote for 10 laptops?',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail', priority: 'P4' },
  },
  {
    name: 'a licence renewal needing budget approval is purchasing',
    subject: 'Adobe licence renewal',
    body: 'Our Adobe subscription renewal is due next month, need budget approval.',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail' },
  },
  {
    name: 'a vendor invoice to approve is purchasing',
    subject: 'Invoice for IT services',
    body: 'Attached is the invoice for October managed services, please approve.',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail' },
  },
  {
    name: 'a request for local admin rights is a security exception',
    subject: 'Need local admin rights',
    body: 'I need admin rights to install drivers for the plotter.',
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail', priority: 'P3' },
  },
  {
    name: 'opening a firewall port for a vendor is a security exception',
    subject: 'Firewall exception for vendor',
    body: 'Vendor needs a firewall rule to open port 3389 for remote support.',
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail' },
  },
  {
    name: 'an MFA exemption is a security exception, not an MFA reset',
    subject: 'Please exempt the kiosk account from MFA',
    body: "The warehouse kiosk can't do MFA, please disable MFA for it.",
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail' },
  },
  {
    name: 'turning off antivirus for an install is a security exception, not endpoint security',
    subject: 'Disable antivirus for install',
    body: 'The vendor says to turn off antivirus to install their software.',
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail' },
  },
  {
    name: 'access to payroll data is a security exception',
    subject: 'Request access to payroll data',
    body: "I'm new in HR and need access to the payroll folder.",
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail' },
  },
  {
    name: 'a file-server migration to SharePoint is a strategic project, not M365 admin',
    subject: 'File server migration to SharePoint',
    body: "Let's plan the migration of the file server to SharePoint Online this quarter.",
    expect: { owner: 'internal', workload: 'strategic-project', rule: 'guardrail', priority: 'P4' },
  },
  {
    name: 'choosing an ERP vendor is a strategic project',
    subject: 'Evaluate new ERP vendors',
    body: 'Leadership wants a vendor selection for a new ERP system by Q3.',
    expect: { owner: 'internal', workload: 'strategic-project', rule: 'guardrail' },
  },
  {
    name: 'a database upgrade is a strategic project',
    subject: 'SQL Server upgrade',
    body: 'We need to plan the database upgrade for SQL 2016 before end of support.',
    expect: { owner: 'internal', workload: 'strategic-project', rule: 'guardrail' },
  },
  {
    name: 'a password reset that also asks for budget approval is internal purchasing',
    subject: 'Password reset and budget approval',
    body: 'Please reset my password, and I also need budget approval for new headsets.',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail' },
  },
  {
    name: 'a lockout plus a quote for a laptop is internal purchasing',
    subject: 'Account locked - also need a laptop quote',
    body: 'Locked out again. Separately, can you send me a quote for a new laptop?',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail' },
  },
  {
    name: 'a guardrail at 2am on a Saturday stays internal',
    subject: 'Firewall exception needed tonight',
    body: 'Vendor maintenance window: please open a port on the firewall for them.',
    at: '2026-06-13T02:00:00-04:00',
    expect: { owner: 'internal', workload: 'security-exception', rule: 'guardrail', afterHours: true },
  },
  {
    name: 'a P1 guardrail at night stays internal at P1',
    subject: 'URGENT: need admin rights now',
    body: 'Production is blocked, I need local admin on the build server.',
    at: TUESDAY_NIGHT,
    priority: 'P1',
    expect: {
      owner: 'internal',
      workload: 'security-exception',
      rule: 'guardrail',
      priority: 'P1',
      afterHours: true,
    },
  },
  {
    name: 'a guardrail does not overflow to the partner, whatever the backlog',
    subject: 'Purchase order for new switches',
    body: 'Please raise a purchase order for 4 switches from the quote attached.',
    backlog: 60,
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail' },
  },
  {
    name: "a VIP's guardrail ticket is a guardrail decision, one priority step up",
    subject: 'Budget approval for the new CRM project',
    body: 'Please prepare the budget request for leadership.',
    from: 'cfo@acme.example',
    expect: { owner: 'internal', workload: 'purchasing-budget', rule: 'guardrail', priority: 'P3' },
  },

  // --- Rule 2: VIP requesters ------------------------------------------------------------------
  {
    name: "the CEO's password reset is internal, P3 raised to P2",
    subject: 'Locked out',
    body: "I'm locked out of my account before the board meeting.",
    from: 'ceo@acme.example',
    expect: { owner: 'internal', workload: 'password-reset', rule: 'vip', priority: 'P2' },
  },
  {
    name: "the CFO's VPN problem at night is internal, P2 raised to P1",
    subject: "VPN won't connect",
    body: "Travelling and the VPN won't connect from the hotel.",
    from: 'cfo@acme.example',
    at: TUESDAY_NIGHT,
    expect: { owner: 'internal', workload: 'connectivity', rule: 'vip', priority: 'P1', afterHours: true },
  },
  {
    name: "the CEO's vague request is internal, not triage",
    subject: 'Quick thing',
    body: 'Can someone swing by my office when free?',
    from: 'ceo@acme.example',
    expect: { owner: 'internal', workload: null, rule: 'vip', priority: 'P2' },
  },
  {
    name: "a VIP's requested P1 stays P1",
    subject: 'Printer broken',
    body: 'The printer in my office is broken and I need the board pack printed.',
    from: 'ceo@acme.example',
    priority: 'P1',
    expect: { owner: 'internal', workload: 'hardware', rule: 'vip', priority: 'P1' },
  },
  {
    name: 'VIP addresses match whatever their letter case',
    subject: 'Wi-Fi not working',
    body: 'The wifi is not working in the boardroom.',
    from: 'CEO@Acme.Example',
    expect: { owner: 'internal', workload: 'connectivity', rule: 'vip', priority: 'P1' },
  },
  {
    name: "another tenant's CEO is not one of acme's VIPs",
    subject: 'Wi-Fi not working',
    body: 'The wifi is not working in the boardroom.',
    from: 'ceo@globex.example',
    expect: { owner: 'partner', workload: 'connectivity', rule: 'workload-owner', priority: 'P2' },
  },
  {
    name: 'a VIP hardware ticket stays internal even when the backlog overflows',
    subject: 'Laptop screen cracked',
    body: 'Dropped my laptop and the screen cracked.',
    from: 'cfo@acme.example',
    backlog: 40,
    expect: { owner: 'internal', workload: 'hardware', rule: 'vip', priority: 'P2' },
  },

  // --- Rule 4: after hours, weekends, holidays, DST --------------------------------------------
  {
    name: 'an urgent hardware ticket at 22:14 on a Tuesday goes to the partner',
    subject: "Laptop won't boot",
    body: "My laptop won't boot, blue screen, and I have a deadline tonight.",
    at: TUESDAY_NIGHT,
    priority: 'P1',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', priority: 'P1', afterHours: true },
  },
  {
    name: 'a P3 hardware ticket at night stays internal and waits for the morning',
    subject: 'Keyboard sticky keys',
    body: 'Some keys on my keyboard stick, need a new keyboard.',
    at: TUESDAY_NIGHT,
    expect: {
      owner: 'internal',
      workload: 'hardware',
      rule: 'workload-owner',
      priority: 'P3',
      afterHours: true,
    },
  },
  {
    name: 'a P2 general request on a Saturday goes to the partner',
    subject: 'How do I share my calendar? Need it before Monday',
    body: 'How do I give my assistant access to my calendar in Outlook? Please install whatever is needed.',
    at: SATURDAY,
    priority: 'P2',
    expect: { owner: 'partner', workload: 'general-request', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'a P4 general request on a Sunday stays internal',
    subject: 'How to add a shortcut',
    body: 'How do I add a desktop shortcut for the timesheet app?',
    at: SUNDAY,
    expect: { owner: 'internal', workload: 'general-request', rule: 'workload-owner', afterHours: true },
  },
  {
    name: 'a partner-owned ticket at night simply stays with the partner',
    subject: 'No internet at home office',
    body: 'VPN says no internet connection.',
    at: TUESDAY_NIGHT,
    expect: { owner: 'partner', workload: 'connectivity', rule: 'workload-owner', afterHours: true },
  },
  {
    name: 'a P2 hardware ticket on Thanksgiving goes to the partner',
    subject: 'Projector dead in the main hall',
    body: 'The projector in the main hall will not turn on, event tomorrow.',
    at: '2026-11-26T10:00:00-05:00',
    priority: 'P2',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'a P3 hardware ticket on the observed Independence Day (Fri 2026-07-03) waits internally',
    subject: 'Dock not detecting monitors',
    body: 'My docking station no longer detects either monitor.',
    at: '2026-07-03T10:00:00-04:00',
    expect: { owner: 'internal', workload: 'hardware', rule: 'workload-owner', afterHours: true },
  },
  {
    name: 'a P2 hardware ticket on the observed Independence Day goes to the partner',
    subject: 'Dock not detecting monitors',
    body: 'My docking station no longer detects either monitor.',
    at: '2026-07-03T10:00:00-04:00',
    priority: 'P2',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'the day after Thanksgiving is a business day, so a P2 hardware ticket stays internal',
    subject: 'Dock not detecting monitors',
    body: 'My docking station no longer detects either monitor.',
    at: '2026-11-27T10:00:00-05:00',
    priority: 'P2',
    expect: { owner: 'internal', workload: 'hardware', rule: 'workload-owner', afterHours: false },
  },
  {
    name: 'the Monday after spring-forward at 08:30 EDT (12:30 UTC) is business hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-03-09T12:30:00Z',
    priority: 'P2',
    expect: { owner: 'internal', workload: 'hardware', afterHours: false },
  },
  {
    name: 'the Monday after spring-forward at 17:30 EDT (21:30 UTC) is after hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-03-09T21:30:00Z',
    priority: 'P2',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'the spring-forward night itself (Sun 2026-03-08 03:30 EDT) is after hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-03-08T07:30:00Z',
    priority: 'P1',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'the Monday after fall-back at 07:30 EST (12:30 UTC) is still before hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-11-02T12:30:00Z',
    priority: 'P2',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'the Monday after fall-back at 16:30 EST (21:30 UTC) is business hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-11-02T21:30:00Z',
    priority: 'P2',
    expect: { owner: 'internal', workload: 'hardware', afterHours: false },
  },
  {
    name: 'the fall-back night (Sun 2026-11-01 01:30, the repeated hour) is after hours',
    subject: 'Printer on fire??',
    body: 'The printer smells like burning, unplugged it.',
    at: '2026-11-01T06:30:00Z',
    priority: 'P1',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },
  {
    name: 'a ticket at 08:00 sharp is inside business hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-06-18T08:00:00-04:00',
    priority: 'P1',
    expect: { owner: 'internal', workload: 'hardware', afterHours: false },
  },
  {
    name: 'a ticket at 17:00 sharp is after hours',
    subject: 'Laptop charger broken',
    body: 'My laptop charger stopped working.',
    at: '2026-06-18T17:00:00-04:00',
    priority: 'P1',
    expect: { owner: 'partner', workload: 'hardware', rule: 'after-hours', afterHours: true },
  },

  // --- Rule 5: overflow ------------------------------------------------------------------------
  {
    name: 'hardware with an internal backlog of exactly 25 stays internal',
    subject: 'Headset broken',
    body: 'My headset microphone stopped working.',
    backlog: 25,
    expect: { owner: 'internal', workload: 'hardware', rule: 'workload-owner' },
  },
  {
    name: 'hardware with an internal backlog of 26 overflows to the partner',
    subject: 'Headset broken',
    body: 'My headset microphone stopped working.',
    backlog: 26,
    expect: { owner: 'partner', workload: 'hardware', rule: 'overflow' },
  },
  {
    name: 'a general request with a backlog of 26 overflows to the partner',
    subject: 'How do I use the new Excel template?',
    body: 'How can I add rows to the Excel template without breaking it?',
    backlog: 26,
    expect: { owner: 'partner', workload: 'general-request', rule: 'overflow', priority: 'P4' },
  },
  {
    name: 'a general request with an empty backlog stays internal',
    subject: 'How do I use the new Excel template?',
    body: 'How can I add rows to the Excel template without breaking it?',
    backlog: 0,
    expect: { owner: 'internal', workload: 'general-request', rule: 'workload-owner' },
  },
  {
    name: 'a partner-owned ticket is the partner whatever the backlog',
    subject: 'Shared mailbox missing',
    body: 'The Support shared mailbox disappeared from Outlook.',
    backlog: 30,
    expect: { owner: 'partner', workload: 'm365-admin', rule: 'workload-owner' },
  },
  {
    name: 'a P3 hardware ticket at night overflows when the backlog is high',
    subject: 'Mouse not working',
    body: 'My wireless mouse stopped working, tried new batteries.',
    at: TUESDAY_NIGHT,
    backlog: 30,
    expect: { owner: 'partner', workload: 'hardware', rule: 'overflow', afterHours: true },
  },

  // --- Rule 6: triage for vague text -----------------------------------------------------------
  {
    name: '"help / it\'s not working" goes to triage',
    subject: 'help',
    body: "it's not working",
    expect: { owner: 'triage', workload: null, rule: 'triage', priority: 'P3' },
  },
  {
    name: 'a bare question goes to triage',
    subject: 'Question',
    body: 'Quick question when you have a sec',
    expect: { owner: 'triage', workload: null, rule: 'triage' },
  },
  {
    name: 'a computer "acting weird" goes to triage',
    subject: 'My computer is acting weird',
    body: 'Something is off, can someone look?',
    expect: { owner: 'triage', workload: null, rule: 'triage' },
  },
  {
    name: '"urgent, please call me" goes to triage with its requested priority',
    subject: 'urgent',
    body: 'please call me',
    priority: 'P1',
    expect: { owner: 'triage', workload: null, rule: 'triage', priority: 'P1' },
  },
  {
    name: 'a vague ticket at night goes to triage, marked after hours',
    subject: 'Issue',
    body: 'See subject',
    at: SATURDAY,
    expect: { owner: 'triage', workload: null, rule: 'triage', afterHours: true },
  },
  {
    name: 'a vague ticket during overflow still goes to triage',
    subject: 'Hello',
    body: 'Hi team, I have a problem with my thing, can someone help?',
    backlog: 40,
    expect: { owner: 'triage', workload: null, rule: 'triage' },
  },
  {
    name: 'an unclear project-folder complaint goes to triage, not the project guardrail',
    subject: 'Project folder missing',
    body: 'The project folder disappeared from the shared drive.',
    expect: { owner: 'triage', workload: null, rule: 'triage' },
  },
];

function input(s: Scenario): RouteInput {
  return {
    subject: s.subject,
    body: s.body,
    requesterEmail: s.from ?? 'jordan.lee@acme.example',
    channel: s.channel ?? 'email',
    requestedPriority: s.priority ?? null,
    receivedAt: new Date(s.at ?? BUSINESS),
    internalOpenBacklog: s.backlog ?? 5,
    dow,
  };
}

describe('routing scenarios under the default division of work', () => {
  it('covers at least 60 tickets and every rule', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(60);
    const rules = new Set(scenarios.map((s) => decideRouting(input(s)).routing.rule));
    expect([...rules].sort()).toEqual([
      'after-hours',
      'guardrail',
      'overflow',
      'triage',
      'vip',
      'workload-owner',
    ]);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const out = decideRouting(input(s));
    const why = out.routing.reasons.join(' | ');
    expect({ owner: out.owner, workload: out.workload }, why).toEqual({
      owner: s.expect.owner,
      workload: s.expect.workload,
    });
    if (s.expect.rule) expect(out.routing.rule, why).toBe(s.expect.rule);
    if (s.expect.priority) expect(out.priority, why).toBe(s.expect.priority);
    expect(out.afterHours, why).toBe(s.expect.afterHours ?? false);
    expect(out.routing.flags.afterHours).toBe(out.afterHours);
    expect(() =>
      RoutingDecisionSchema.parse({ ...out.routing, decidedAt: '2026-01-01T00:00:00Z' }),
    ).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Property-style checks over generated combinations

const everydayTickets: [subject: string, body: string][] = [
  ['Locked out of my account', 'Locked out after too many attempts, please unlock my account.'],
  ["VPN won't connect", 'The VPN keeps disconnecting from home.'],
  ['Virus alert on my laptop', 'Antivirus says threat detected.'],
  ['[Veeam] Backup job failed', 'Backup job FS01 failed with error.'],
  ['Shared mailbox access', 'Please add me to the Sales shared mailbox.'],
  ['Suspicious email', 'Is this phishing? Unknown sender with a link.'],
  ["Laptop won't turn on", 'Pressed the power button, nothing.'],
  ['How do I add an email signature?', 'How to set up a signature in Outlook.'],
  ['help', 'not working'],
];

const guardrailSentences: [sentence: string, workload: string][] = [
  ['I also need budget approval for two new headsets.', 'purchasing-budget'],
  ['Separately, please raise a purchase order for the renewal.', 'purchasing-budget'],
  ['Also, I need local admin rights to install a driver.', 'security-exception'],
  ['And could you add a firewall exception for our vendor?', 'security-exception'],
  ['Also please disable MFA for the shared kiosk account.', 'security-exception'],
  ['Finally, can we plan the migration to the new system next quarter?', 'strategic-project'],
  ['Also we should start vendor selection for the CRM replacement project.', 'strategic-project'],
];

const moments = [
  BUSINESS,
  TUESDAY_NIGHT,
  SATURDAY,
  '2026-11-26T10:00:00-05:00', // Thanksgiving
  '2026-03-08T02:30:00-05:00', // inside the spring-forward gap
  '2026-11-01T01:30:00-04:00', // the first of the repeated fall-back hours
];
const requesters = ['jordan.lee@acme.example', 'ceo@acme.example', 'alerts@monitor.acme.example'];
const priorities: (Priority | null)[] = [null, 'P1', 'P4'];
const backlogs = [0, 25, 26, 100];
const channels: Channel[] = ['email', 'web', 'api'];

/** Every combination, generated deterministically (no randomness: failures reproduce). */
function* combinations(): Generator<{
  ticket: [string, string];
  at: string;
  from: string;
  p: Priority | null;
  backlog: number;
  channel: Channel;
  index: number;
}> {
  let index = 0;
  for (const ticket of everydayTickets)
    for (const at of moments)
      for (const from of requesters)
        for (const p of priorities)
          for (const backlog of backlogs) {
            const channel = channels[index % channels.length]!;
            yield { ticket, at, from, p, backlog, channel, index };
            index++;
          }
}

describe('routing properties', () => {
  it('a guardrail always wins: any ticket that also raises a guardrail matter is internal', () => {
    let checked = 0;
    for (const c of combinations()) {
      const [sentence, guardrail] = guardrailSentences[c.index % guardrailSentences.length]!;
      const out = decideRouting({
        subject: c.ticket[0],
        body: `${c.ticket[1]}\n${sentence}`,
        requesterEmail: c.from,
        channel: c.channel,
        requestedPriority: c.p,
        receivedAt: new Date(c.at),
        internalOpenBacklog: c.backlog,
        dow,
      });
      const label = `${c.ticket[0]} + ${sentence} @ ${c.at} from ${c.from} backlog ${c.backlog}`;
      expect(out.owner, label).toBe('internal');
      expect(out.routing.rule, label).toBe('guardrail');
      expect(out.workload, label).toBe(guardrail);
      expect(out.routing.flags.guardrail, label).toBe(true);
      checked++;
    }
    expect(checked).toBe(
      everydayTickets.length * moments.length * requesters.length * priorities.length * backlogs.length,
    );
  });

  it('the same input always yields the same decision', () => {
    const again = parseDivisionOfWork(defaultDivisionOfWork());
    for (const c of combinations()) {
      const base: RouteInput = {
        subject: c.ticket[0],
        body: c.ticket[1],
        requesterEmail: c.from,
        channel: c.channel,
        requestedPriority: c.p,
        receivedAt: new Date(c.at),
        internalOpenBacklog: c.backlog,
        dow,
      };
      const first = decideRouting(base);
      expect(decideRouting({ ...base, receivedAt: new Date(c.at) })).toEqual(first);
      expect(decideRouting({ ...base, dow: again })).toEqual(first);
    }
  });

  it('every decision is a valid routing record whose rule, owner and flags agree', () => {
    for (const c of combinations()) {
      const out = decideRouting({
        subject: c.ticket[0],
        body: c.ticket[1],
        requesterEmail: c.from,
        channel: c.channel,
        requestedPriority: c.p,
        receivedAt: new Date(c.at),
        internalOpenBacklog: c.backlog,
        dow,
      });
      const label = `${c.ticket[0]} @ ${c.at} from ${c.from} p ${c.p} backlog ${c.backlog}`;
      RoutingDecisionSchema.parse({ ...out.routing, decidedAt: '2026-01-01T00:00:00Z' });
      expect(out.owner === 'triage', label).toBe(out.routing.rule === 'triage');
      expect(out.routing.flags.vip, label).toBe(c.from === 'ceo@acme.example');
      expect(out.routing.flags.overflow, label).toBe(c.backlog > 25);
      if (out.routing.flags.vip) expect(out.owner, label).toBe('internal');
      if (out.routing.rule === 'overflow') expect(out.routing.flags.overflow, label).toBe(true);
      if (out.routing.rule === 'after-hours') expect(out.afterHours, label).toBe(true);
      if (c.p && !out.routing.flags.vip) expect(out.priority, label).toBe(c.p);
      expect(out.routing.reasons.length, label).toBeGreaterThanOrEqual(2);
      expect(out.routing.divisionOfWorkVersion).toBe(1);
    }
  });
});
