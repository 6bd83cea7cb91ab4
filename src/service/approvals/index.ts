export { approvalRoutes, decidesApprovals } from './secret-approvals';
