// What an integration's schema module declares (src/config/integrations/*): its variables with their
// defaults (the one place a default is written), which of them go together, which mean a real peer
// (production), its cross-field rules and how its values become its part of the Config.
import { z } from 'zod';

/** What the loader knows before any integration is built, read from the raw values. */
export interface Facts {
  /** Any real credential or peer configured, or NODE_ENV=production. */
  readonly production: boolean;
  /** PORT, the main port (the portal's public one when the portal is on). */
  readonly port: number;
  readonly host: string;
  readonly workstationTrial: boolean;
  /** Which directory users come from (DIRECTORY, LDAP_URL). */
  readonly directory: 'ldap' | 'graph' | 'demo';
  /** LDAP_BASE_DN when AD is the directory (its domain is a portal login suffix). */
  readonly adBaseDN?: string;
}

/** The raw variables, as the cross-field rules read them: they run even when a value failed to parse. */
export interface RawEnv {
  /** Set and not blank. */
  given(name: string): boolean;
  /** Trimmed; undefined when unset or blank. */
  value(name: string): string | undefined;
}

export interface LoadOptions {
  /** Checks files named by the config (LDAP_CA_FILE); injected so loadConfig stays pure in tests. */
  readonly fileExists?: (file: string) => boolean;
}

/** The checks every integration may declare, as the loader runs them over all integrations. */
export interface IntegrationChecks {
  /** Groups of variables that only make sense together. */
  readonly allOrNone?: readonly (readonly string[])[];
  /** Any of these set means a real credential or peer: production mode (DESIGN.md). Base-URL overrides are not. */
  readonly productionSignals?: readonly string[];
  /** Rules across variables: one line per problem, `VARIABLE: what is wrong`. */
  rules?(env: RawEnv, facts: Facts, options: LoadOptions): readonly string[];
}

export interface Integration<Shape extends z.ZodRawShape, Out> extends IntegrationChecks {
  readonly variables: Shape;
  readonly allOrNone?: readonly (readonly (keyof Shape & string)[])[];
  readonly productionSignals?: readonly (keyof Shape & string)[];
  /** Its part of the Config, from its parsed values (only called when every variable parsed and no rule failed). */
  build(values: z.output<z.ZodObject<Shape>>, facts: Facts): Out;
}

/** Declares an integration with its types inferred. */
export const integration = <Shape extends z.ZodRawShape, Out>(declared: Integration<Shape, Out>): Integration<Shape, Out> => declared;

// The value types the schema modules share.
export const optional = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));
export const list = optional.transform((v) => (v ? v.split(';').map((s) => s.trim()).filter(Boolean) : undefined));
export const httpUrl = optional.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), 'must be an http(s) URL');
export const onOff = (fallback: 'on' | 'off') => z.enum(['on', 'off']).default(fallback);
export const integer = (min: number, max: number, fallback: number) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

/** Case-insensitive de-duplication, first spelling kept. */
export function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
}
