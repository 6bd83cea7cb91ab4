// Commands as the service receives them, after a chat surface parsed the text (src/chat/core).

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'user'; readonly query: string }
  | { readonly name: 'audit'; readonly user: string; readonly days?: number; readonly type?: string }
  | { readonly name: 'sync'; readonly user: string; readonly failedOnly: boolean }
  | { readonly name: 'enrollment'; readonly user: string }
  | { readonly name: 'unlock'; readonly user: string }
  | { readonly name: 'unlock-portal'; readonly user: string }
  | { readonly name: 'pin'; readonly user: string; readonly delivery: 'sms' | 'view' }
  | { readonly name: 'reset'; readonly user: string; readonly delivery: 'sms' | 'view' }
  | { readonly name: 'tap'; readonly user: string; readonly delivery: 'sms' | 'view' }
  | { readonly name: 'verify'; readonly user: string }
  | { readonly name: 'escalate'; readonly user: string; readonly reason: string }
  | { readonly name: 'approvals' }
  | { readonly name: 'locked' }
  | { readonly name: 'expiring'; readonly days: number }
  | { readonly name: 'history'; readonly user: string }
  | { readonly name: 'lockout'; readonly user: string };

export type CommandName = Command['name'];

export const COMMAND_NAMES: readonly CommandName[] = [
  'help', 'user', 'audit', 'sync', 'enrollment', 'unlock', 'unlock-portal', 'pin', 'reset', 'tap', 'verify', 'escalate', 'approvals',
  'locked', 'expiring', 'history',
  'lockout',
];
