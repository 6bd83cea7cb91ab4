// The helpdesk's own view (locked, lockout, expiring, history, alerts): reached from outside only through this face.
export { lockoutRoutes } from './lockout';
