// The helpdesk's own view (issue 20): who is locked out now and why, whose password expires, what the helpdesk
// did, alerts; reached from outside only through this face.
export { expiringRoutes, expiringWithin, reminderText } from './expiring';
export { ExpiryReminders } from './expiry-reminders';
export { historyRoutes } from './history';
export { lockedNow, lockedRoutes } from './locked';
export type { LockedAccount } from './locked';
export { lockoutRoutes } from './lockout';
export { AlertDispatcher, DEFAULT_ALERT_SETTINGS, lockoutStorm, receivesAlerts } from './alerts';
export type { Alert, AlertSettings, AlertSink } from './alerts';
export { AlertWatch, PORTAL_ADDRESS_ACCOUNTS } from './alert-watch';
export type { WatchResult } from './alert-watch';
