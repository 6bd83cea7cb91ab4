export { LOCKED_MESSAGE, SelfService } from './self-service';
export type { AccountStatus, ActionResult, Method, Origin } from './self-service';
export { TextBudget } from './text-budget';
