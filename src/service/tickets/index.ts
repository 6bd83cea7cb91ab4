export { escalateRoutes } from './escalate';
export { TicketDesk } from './ticket-desk';
export type { RetryPolicy, TicketListener } from './ticket-desk';
export { ticketFollowUp } from './ticket-follow-up';
