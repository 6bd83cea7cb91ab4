// The Adaptive Card templates (cards/*.json), imported so that the build carries them along.
import approval from '../../../cards/approval.json';
import approvalList from '../../../cards/approval-list.json';
import auditEvents from '../../../cards/audit-events.json';
import confirm from '../../../cards/confirm.json';
import deskList from '../../../cards/desk-list.json';
import enrollment from '../../../cards/enrollment.json';
import error from '../../../cards/error.json';
import escalateForm from '../../../cards/escalate-form.json';
import escalation from '../../../cards/escalation.json';
import help from '../../../cards/help.json';
import pickList from '../../../cards/pick-list.json';
import result from '../../../cards/result.json';
import sharedRequest from '../../../cards/shared-request.json';
import syncTransactions from '../../../cards/sync-transactions.json';
import userDetails from '../../../cards/user-details.json';
import verifyForm from '../../../cards/verify-form.json';
import lockout from '../../../cards/lockout.json';
import alert from '../../../cards/alert.json';
import type { View } from '../../service/kernel';

export type TemplateName = View['kind'];

/** One template per view kind, named like its file in cards/. */
export const TEMPLATES: Readonly<Record<TemplateName, object>> = {
  help,
  'pick-list': pickList,
  'user-details': userDetails,
  confirm,
  result,
  'shared-request': sharedRequest,
  error,
  'audit-events': auditEvents,
  'sync-transactions': syncTransactions,
  enrollment,
  approval,
  'approval-list': approvalList,
  'escalate-form': escalateForm,
  escalation,
  'verify-form': verifyForm,
  'desk-list': deskList,
  lockout,
  alert,
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];
