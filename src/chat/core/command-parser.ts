// The command grammar shared by every chat surface: the same words on Teams, Slack and the console.
//   help | user <query> | audit <user> [days=N] [type=T] | sync <user> [failed] | enrollment <user>
//   unlock <user> | unlock-portal <user> | pin <user> sms|view | reset <user> sms|view | tap <user> sms|view
//   verify <user>
//   escalate <user> <reason…>
//   approvals
//   locked | expiring [days] | history <user>
//   lockout <user>
import { COMMAND_NAMES, type Command, type CommandName } from '../../domain/command';
import { isKnownEventType } from '../../domain/portal-event-words';

export type ParseResult =
  | { readonly ok: true; readonly command: Command }
  | {
    readonly ok: false;
    readonly code: 'CMD.UNKNOWN' | 'CMD.USAGE';
    readonly usage?: string;
    readonly word?: string;
    /** An option of the command that was given a value it does not take: the answer says what it takes. */
    readonly option?: 'days' | 'type' | 'unknown';
    readonly value?: string;
    readonly user?: string;
  };

export const USAGE: Readonly<Record<CommandName, string>> = {
  help: 'help',
  user: 'user <name, login, e-mail or phone>',
  audit: 'audit <user> [days=N] [type=T]',
  sync: 'sync <user> [failed]',
  enrollment: 'enrollment <user>',
  unlock: 'unlock <user>',
  'unlock-portal': 'unlock-portal <user>',
  pin: 'pin <user> sms|view',
  reset: 'reset <user> sms|view',
  tap: 'tap <user> sms|view',
  verify: 'verify <user>',
  escalate: 'escalate <user> <reason>',
  approvals: 'approvals',
  locked: 'locked',
  expiring: 'expiring [days]',
  history: 'history <user>',
  lockout: 'lockout <user>',
};

/** Longest accepted command text: anything longer is not a command a person typed. */
export const MAX_COMMAND_LENGTH = 1000;

function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

function usage(name: CommandName, bad?: { option: 'days' | 'type' | 'unknown'; value: string; user: string }): ParseResult {
  return { ok: false, code: 'CMD.USAGE', usage: USAGE[name], ...(bad ? { option: bad.option, value: bad.value.slice(0, 40), user: bad.user.slice(0, 80) } : {}) };
}

/** Turns chat text (mention already stripped) into a command, or says why not. Never throws. */
export function parseCommand(text: string): ParseResult {
  const cleaned = text.replace(/\u00a0/g, ' ').trim();
  if (cleaned === '') return { ok: true, command: { name: 'help' } };
  if (cleaned.length > MAX_COMMAND_LENGTH) return { ok: false, code: 'CMD.USAGE' };
  const words = cleaned.split(/\s+/);
  const first = (words[0] ?? '').toLowerCase().replace(/^\//, '');
  const args = words.slice(1);
  if (!isCommandName(first)) return { ok: false, code: 'CMD.UNKNOWN', word: first.slice(0, 40) };
  const user = args[0];

  switch (first) {
    case 'help':
      return { ok: true, command: { name: 'help' } };
    case 'approvals':
      return args.length ? usage(first) : { ok: true, command: { name: 'approvals' } };
    case 'user':
      // The query may contain spaces ("user John Doe").
      return args.length ? { ok: true, command: { name: 'user', query: args.join(' ') } } : usage(first);
    case 'audit': {
      if (!user) return usage(first);
      let days: number | undefined;
      let type: string | undefined;
      for (const option of args.slice(1)) {
        const [key = '', value = ''] = option.split(/=(.*)/s);
        const bad = (which: 'days' | 'type' | 'unknown') => usage(first, { option: which, value: which === 'unknown' ? option : value, user });
        if (/^days$/i.test(key)) {
          if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 3650) return bad('days');
          days = Number(value);
        } else if (/^type$/i.test(key)) {
          if (!isKnownEventType(value.toLowerCase())) return bad('type');
          type = value.toLowerCase();
        } else return bad('unknown');
      }
      return { ok: true, command: { name: 'audit', user, ...(days ? { days } : {}), ...(type ? { type } : {}) } };
    }
    case 'sync':
      if (!user || args.length > 2 || (args[1] !== undefined && args[1].toLowerCase() !== 'failed')) return usage(first);
      return { ok: true, command: { name: 'sync', user, failedOnly: args[1] !== undefined } };
    case 'pin':
    case 'reset':
    case 'tap': {
      const delivery = args[1]?.toLowerCase();
      if (!user || args.length !== 2 || (delivery !== 'sms' && delivery !== 'view')) return usage(first);
      return { ok: true, command: { name: first, user, delivery } };
    }
    case 'escalate':
      if (!user || args.length < 2) return usage(first);
      return { ok: true, command: { name: 'escalate', user, reason: args.slice(1).join(' ') } };
    case 'locked':
      return args.length ? usage(first) : { ok: true, command: { name: 'locked' } };
    case 'expiring': {
      // "expiring 14" or "expiring days=14": 1 to 365 days; default 7.
      const value = args[0]?.replace(/^days=/i, '');
      if (args.length > 1 || (value !== undefined && (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 365))) return usage(first);
      return { ok: true, command: { name: 'expiring', days: value === undefined ? 7 : Number(value) } };
    }
    case 'history':
    case 'enrollment':
    case 'unlock':
    case 'unlock-portal':
    case 'verify':
    case 'lockout':
      if (!user || args.length !== 1) return usage(first);
      return { ok: true, command: { name: first, user } };
  }
}
