export { findUserRoutes, matchesDetail, pickListView } from './find-user';
export { showUser, showUserRoutes } from './show-user';
export { showUserButton, targetOf } from './user-details';
