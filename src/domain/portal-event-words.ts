// Self-service event types (KNOWN_EVENT_TYPES, the ids the portal API and `audit … type=` use) as a
// person reads them on a card. A type the portal sent that we do not know is shown as given: it is data.
import { KNOWN_EVENT_TYPES } from './portal';

const WORDS: Record<(typeof KNOWN_EVENT_TYPES)[number], string> = {
  'sign-in': 'Sign-in',
  challenge: 'Identity check',
  'code-sent': 'Code sent',
  'notice-sent': 'Notice sent',
  'password-reset': 'Password reset',
  'account-unlock': 'Account unlock',
  'enrollment-change': 'Enrollment change',
  'portal-lock': 'Portal account locked',
  'portal-unlock': 'Portal account unlocked',
  'pin-verify': 'Helpdesk PIN check',
  'helpdesk-unlock': 'Portal account unlocked by the helpdesk',
  'helpdesk-pin-issued': 'Helpdesk PIN issued',
  'helpdesk-password-reset': 'Password reset by the helpdesk',
  'helpdesk-verify': 'Caller verification by the helpdesk',
};

export function eventTypeInWords(type: string): string {
  return Object.prototype.hasOwnProperty.call(WORDS, type) ? WORDS[type as keyof typeof WORDS] : type;
}

export function isKnownEventType(type: string): boolean {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(type);
}
