// The helpdesk's own view (issue 20): who is locked out now, whose password expires, what the helpdesk did.
export { expiringRoutes, expiringWithin, reminderText } from './expiring';
export { ExpiryReminders } from './expiry-reminders';
export { historyRoutes } from './history';
export { lockedNow, lockedRoutes } from './locked';
export type { LockedAccount } from './locked';
