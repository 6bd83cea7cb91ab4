export { auditEventsRoutes } from './audit-events';
export { enrollmentDataRoutes } from './enrollment-data';
export { roomForEvents } from './event-flood';
export { PortalIntake } from './portal-intake';
export { syncTransactionsRoutes } from './sync-transactions';
export { indicatorsFor, indicatorsFromCard, indicatorWindow } from './vishing-facts';
