// The portal's data (the portal API and what supervisors see of it): answer masking, the API's token and
// rate, the events kept per user, the vishing indicators' thresholds.
import { z } from 'zod';
import { MASK_POLICIES } from '../../domain/masking';
import { DEFAULT_EVENTS_PER_USER_HOUR, DEFAULT_INDICATOR_THRESHOLDS } from '../../domain/vishing-thresholds';
import { integer, integration, optional } from '../integration';
import type { Config } from '../config';

export const portalData = integration({
  variables: {
    PORTAL_API_TOKEN: optional.refine((v) => v === undefined || v.length >= 24, 'must be at least 24 characters'),
    PORTAL_API_RATE_PER_MINUTE: integer(1, 100_000, 600),
    ENROLLMENT_MASK: z.enum(MASK_POLICIES).default('first-last'),
    VISHING_FAILED_ANSWERS: integer(2, 100, DEFAULT_INDICATOR_THRESHOLDS.failedAnswersPerHour),
    VISHING_PIN_FAILURES: integer(1, 100, DEFAULT_INDICATOR_THRESHOLDS.pinFailuresPerDay),
    VISHING_LOCKS_PER_IP: integer(2, 1000, DEFAULT_INDICATOR_THRESHOLDS.lockedUsersPerIp),
    VISHING_EVENTS_PER_HOUR: integer(10, 100_000, DEFAULT_INDICATOR_THRESHOLDS.eventsPerHour),
    PORTAL_EVENTS_PER_USER_HOUR: integer(20, 1_000_000, DEFAULT_EVENTS_PER_USER_HOUR),
  },
  build: (env): Pick<Config, 'portalApiToken' | 'portalData'> => ({
    ...(env.PORTAL_API_TOKEN ? { portalApiToken: env.PORTAL_API_TOKEN } : {}),
    portalData: {
      enrollmentMask: env.ENROLLMENT_MASK,
      apiRatePerMinute: env.PORTAL_API_RATE_PER_MINUTE,
      eventsPerUserHour: env.PORTAL_EVENTS_PER_USER_HOUR,
      indicators: {
        failedAnswersPerHour: env.VISHING_FAILED_ANSWERS,
        pinFailuresPerDay: env.VISHING_PIN_FAILURES,
        lockedUsersPerIp: env.VISHING_LOCKS_PER_IP,
        eventsPerHour: env.VISHING_EVENTS_PER_HOUR,
      },
    },
  }),
});
