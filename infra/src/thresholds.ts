/**
 * Alarm thresholds, in one place. Each alarm's runbook (docs/runbooks) explains the number.
 */
export const THRESHOLDS = {
  /** Function errors in five minutes: more than a one-off (async failures also dead-letter). */
  functionErrors: 3,
  /** Any throttle: nothing here runs near the account's concurrency. */
  functionThrottles: 1,
  /** 5xx share of API requests, in percent, in five minutes with at least `apiMinRequests`. */
  api5xxPercent: 5,
  apiMinRequests: 10,
  /** p99 API latency, in ms, for 15 minutes (the routing-coverage report may take up to 30 s once). */
  apiP99LatencyMs: 5000,
  /**
   * Minutes a routed ticket may wait on its queue before the dispatcher counts as stopped. The
   * dispatchers long-poll, so a healthy queue's oldest message is seconds old: half an hour is an
   * outage, not a slow afternoon.
   */
  queueStallMinutes: 30,
  /**
   * The SLA sweep runs every minute and reports a lag of 0 while it keeps up; a quarter of an hour
   * behind, twice in a row, is a stalled sweep (warnings and breaches go out late).
   */
  slaSweepLagSeconds: 900,
  /** The reconciler runs every minute: a backlog that never empties for 15 minutes is stuck. */
  outboxBacklogMinutes: 15,
  /** Half of the rates at which SES puts an account under review (5% bounces, 0.1% complaints). */
  sesBounceRate: 0.025,
  sesComplaintRate: 0.0005,
} as const;
