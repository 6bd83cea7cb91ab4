// Every route the service answers, collected from the use case files that declare them. A command word
// with no route (a feature of a later release) is answered "not available in this installation yet".
import { approvalRoutes } from './approvals';
import { auditEventsRoutes, enrollmentDataRoutes, syncTransactionsRoutes } from './portal-data';
import { confirmRoutes, promptConfirmationRoutes, unlockPortalRoutes } from './account-actions';
import { escalateRoutes } from './tickets';
import { findUserRoutes, showUserRoutes } from './lookup';
import { hideSecretRoutes, verifyCallerRoutes } from './secrets';
import { expiringRoutes, historyRoutes, lockedRoutes } from './desk';
import { lockoutRoutes } from './desk';
import { sharedRequestRoutes, type CommandRoute, type PressRoute } from './kernel';

const ALL = [
  ...findUserRoutes, ...showUserRoutes, ...promptConfirmationRoutes, ...confirmRoutes, ...hideSecretRoutes,
  ...auditEventsRoutes, ...syncTransactionsRoutes, ...enrollmentDataRoutes, ...unlockPortalRoutes,
  ...approvalRoutes,
  ...escalateRoutes,
  ...verifyCallerRoutes,
  ...lockedRoutes, ...expiringRoutes, ...historyRoutes,
  ...lockoutRoutes,
];

export const COMMAND_ROUTES: readonly CommandRoute[] = ALL.filter((r): r is CommandRoute => 'command' in r);

// "Show details" of a request typed in a shared conversation re-runs it through the command routes.
ALL.push(...sharedRequestRoutes(COMMAND_ROUTES));

export const PRESS_ROUTES: ReadonlyMap<string, PressRoute> = new Map(
  ALL.filter((r): r is PressRoute => 'verb' in r).map((r) => [r.verb, r]),
);
