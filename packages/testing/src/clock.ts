/**
 * Time for tests: a clock that moves only when told to, and the instants the suites start from.
 * Use cases read time only through the `Clock` port, so a test sets it rather than waiting.
 */

// The class lives in the model because the local SLA benchmark drives it too; tests take it from
// here so the one place they get time from is this package.
export { ManualClock } from '@psa/model/clock';

/**
 * Tue 2026-06-16 10:00 in New York (14:00Z): a business hour under the default division of work,
 * so internal IT is on and routing follows the workload owners.
 */
export const BUSINESS_HOURS = '2026-06-16T14:00:00.000Z';
