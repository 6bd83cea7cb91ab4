export { verifyHelpdeskPin } from './helpdesk-pins';
export type { PinVerifierDeps } from './helpdesk-pins';
export { hideSecretRoutes, issueShownSecret } from './hide-secret';
export { issuePinBySms, issuePinToView } from './issue-pin';
export { issueTapBySms, issueTapToView } from './issue-tap';
export { assertCanText, hhmm, maskedMobileOf, maskedNumber, notifyUser, textUser } from './sms-delivery';
export { verifyCallerRoutes } from './verify-caller';
