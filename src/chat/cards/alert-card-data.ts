// An alert to the supervisors → the data cards/alert.json is expanded with: its heading, when, what was seen
// in the service's words, the users, and one row per user with the buttons the alert carries (Show, Unlock).
import type { AlertView } from '../../service/kernel';
import { cardAction, type CardAction } from './card-action';
import { formatWhen, truncate } from './format';

/** The users named in the list line at most (the text says how many there were). */
const USERS_LISTED = 50;

export function alertUsersLine(view: AlertView): string {
  const listed = view.users.slice(0, USERS_LISTED).join(', ');
  return view.users.length > USERS_LISTED ? `${listed} and ${view.users.length - USERS_LISTED} more` : listed;
}

export function alertData(view: AlertView, now: Date) {
  const rows = new Map<string, CardAction[]>();
  for (const button of view.actions) {
    const login = button.data.user ?? '';
    rows.set(login, [...(rows.get(login) ?? []), cardAction(button)]);
  }
  return {
    title: view.title,
    when: formatWhen(view.at, now) ?? view.at,
    text: truncate(view.text, 2000),
    users: alertUsersLine(view),
    rows: [...rows].map(([login, actions]) => ({ login, actions })),
  };
}
