export { confirmRoutes } from './confirm-action';
export { promptConfirmation, promptConfirmationRoutes } from './prompt-confirmation';
export { unlockPortalRoutes } from './unlock-portal';
