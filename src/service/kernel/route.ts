// A route: what one use case answers (a command word or a button verb), the policy action whose role it
// needs, whether the asker's role is re-resolved first, what the audit trail calls it, and the function
// that runs it. helpdesk-service.ts runs every route the same way (resolve actor → check policy → run →
// audit); adding a command adds a route in its use case file and a line in routes.ts, never a case.
import type { Command, CommandName } from '../../domain/command';
import { onlyReads, requiredRole, type Action } from '../../domain/policy';
import type { Role } from '../../domain/roles';
import type { Verb } from '../../domain/verbs';
import type { UseCaseCall } from './use-case';
import type { View } from './views';

type CommandOf<N extends CommandName> = Extract<Command, { name: N }>;

export interface CommandRoute {
  readonly command: CommandName;
  /** Several routes may share a word (reset … sms | view); the first whose `when` holds answers. */
  readonly when: (command: Command) => boolean;
  /** The audit trail's name for the request. */
  readonly audit: string;
  readonly needs: Role;
  /** Typed commands may use a role resolved a few seconds ago; true forces a fresh lookup. */
  readonly fresh: boolean;
  /** It changes nothing and sends nothing: its audit record need not wait for the disk. */
  readonly readOnly: boolean;
  readonly target: (command: Command) => string | undefined;
  readonly run: (call: UseCaseCall, command: Command) => Promise<View>;
  /** Its answer holds nothing about the user beyond what was typed (an approval card): run as is in a shared conversation. */
  readonly sharedOk?: boolean;
}

export interface PressRoute {
  readonly verb: Verb;
  readonly audit: string;
  readonly needs: Role;
  /** Button presses always re-resolve the role: a card in a shared channel can be pressed by anyone. */
  readonly fresh: true;
  readonly readOnly: boolean;
  readonly target: (data: Readonly<Record<string, string>>) => string | undefined;
  readonly run: (call: UseCaseCall, data: Readonly<Record<string, string>>) => Promise<View>;
}

interface CommandSpec<N extends CommandName> {
  readonly action: Action;
  readonly audit?: string;
  readonly when?: (command: CommandOf<N>) => boolean;
  readonly target: (command: CommandOf<N>) => string | undefined;
  readonly run: (call: UseCaseCall, command: CommandOf<N>) => Promise<View>;
  readonly sharedOk?: boolean;
}

/** A typed command's route; `run` gets the command already narrowed to its word. */
export function commandRoute<N extends CommandName>(name: N, spec: CommandSpec<N>): CommandRoute {
  const narrow = (c: Command) => c as CommandOf<N>;
  return {
    command: name,
    when: (c) => c.name === name && (spec.when?.(narrow(c)) ?? true),
    audit: spec.audit ?? spec.action,
    needs: requiredRole(spec.action),
    fresh: false,
    readOnly: onlyReads(spec.action),
    target: (c) => spec.target(narrow(c)),
    run: (call, c) => spec.run(call, narrow(c)),
    ...(spec.sharedOk ? { sharedOk: true } : {}),
  };
}

interface PressSpec {
  /** The policy action, or the least role when the action is only known later (a confirm token). */
  readonly action: Action | { readonly needs: Role };
  readonly audit?: string;
  readonly target?: (data: Readonly<Record<string, string>>) => string | undefined;
  readonly run: (call: UseCaseCall, data: Readonly<Record<string, string>>) => Promise<View>;
}

export function pressRoute(verb: Verb, spec: PressSpec): PressRoute {
  const needs = typeof spec.action === 'string' ? requiredRole(spec.action) : spec.action.needs;
  return {
    verb,
    audit: spec.audit ?? (typeof spec.action === 'string' ? spec.action : verb),
    needs,
    fresh: true,
    readOnly: typeof spec.action === 'string' && onlyReads(spec.action),
    target: spec.target ?? ((data) => data.user),
    run: spec.run,
  };
}
