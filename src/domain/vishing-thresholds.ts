// The thresholds of the vishing indicators (src/domain/vishing-indicators.ts), from the configuration.

export interface IndicatorThresholds {
  /** Failed challenge answers in the last hour that raise "several failed answers". */
  readonly failedAnswersPerHour: number;
  /** Failed PIN verifications in the last 24 hours. */
  readonly pinFailuresPerDay: number;
  /** Distinct users whose portal accounts were locked from one IP address in the last 24 hours. */
  readonly lockedUsersPerIp: number;
  /** Events arriving for one user in an hour that raise "far above normal" (a flood). */
  readonly eventsPerHour: number;
}

export const DEFAULT_INDICATOR_THRESHOLDS: IndicatorThresholds = {
  failedAnswersPerHour: 3,
  pinFailuresPerDay: 2,
  lockedUsersPerIp: 3,
  eventsPerHour: 60,
};

/**
 * The most events stored for one user per hour (by arrival) from the portal API and the portal's
 * anonymous requests; the rest are dropped. Well above `eventsPerHour`, so a flood always shows.
 */
export const DEFAULT_EVENTS_PER_USER_HOUR = 200;
