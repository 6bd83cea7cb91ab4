// The thresholds of the vishing indicators (src/domain/vishing-indicators.ts), from the configuration.

export interface IndicatorThresholds {
  /** Failed challenge answers in the last hour that raise "several failed answers". */
  readonly failedAnswersPerHour: number;
  /** Failed PIN verifications in the last 24 hours. */
  readonly pinFailuresPerDay: number;
  /** Distinct users whose portal accounts were locked from one IP address in the last 24 hours. */
  readonly lockedUsersPerIp: number;
}

export const DEFAULT_INDICATOR_THRESHOLDS: IndicatorThresholds = {
  failedAnswersPerHour: 3,
  pinFailuresPerDay: 2,
  lockedUsersPerIp: 3,
};
