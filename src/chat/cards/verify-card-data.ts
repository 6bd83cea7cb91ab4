// The caller verification form → the data of cards/verify-form.json. The code is typed into the card's
// input and travels back in the press only; no card ever shows it.
import type { VerifyFormView } from '../../service/kernel';
import { cardAction } from './card-action';
import { person } from './format';

const STATES = {
  ask: { heading: 'Verify the caller', stateStyle: 'emphasis' },
  sent: { heading: 'Verify the caller', stateStyle: 'emphasis' },
  wrong: { heading: '✖ Wrong code: verify the caller', stateStyle: 'warning' },
  over: { heading: '✖ Caller not verified', stateStyle: 'attention' },
} as const;

export function verifyFormData(view: VerifyFormView) {
  return {
    ...STATES[view.state],
    target: person(view.target),
    sentToLabel: view.state === 'ask' ? 'Goes to' : 'Sent to',
    sentTo: view.sentTo,
    note: view.note,
    canCheck: view.state === 'sent' || view.state === 'wrong',
    actions: view.actions.map(cardAction),
  };
}
