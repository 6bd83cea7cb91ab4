// The helpdesk's own view (locked, lockout, expiring, history, alerts): reached from outside only through this face.
export { lockoutRoutes } from './lockout';
export { AlertDispatcher, DEFAULT_ALERT_SETTINGS, lockoutStorm } from './alerts';
export type { Alert, AlertSettings, AlertSink } from './alerts';
