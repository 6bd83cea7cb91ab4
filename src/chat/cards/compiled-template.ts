// Adaptive Card templates compiled once into plain functions. adaptivecards-templating evaluates every
// expression through adaptive-expressions on each expand — a memory object per expression, each property
// found by lower-casing every key of its object — which made templating a tenth of the bot's own time on
// `user`. Our templates use a small part of the language: `${path}` (its value, of its own type), text with
// `${path}` in it, `$data` (an object to bind, or an array to repeat over), and `$when` with `${path}`,
// `${count(path) > n}`, `${count(path) == n}` or `${path != ''}`. This module compiles exactly that, with
// the library's results (a missing value reads "${path}"; a `$when` that is not `true` drops its element;
// a repeat over nothing drops it too), and returns undefined for a template using anything else, which is
// then expanded by the library as before. test/unit/chat/cards/compiled-template.spec.ts expands every
// template through both, on its sample and on every view kind, and requires the same card.

type Json = unknown;
interface Scope {
  readonly root: Json;
  readonly data: Json;
  readonly index: number | undefined;
}
type Evaluate = (scope: Scope) => Json;
type Expand = (scope: Scope) => Json;

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
const PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const COUNT = /^count\(([^()]+)\)\s*(>|==)\s*(\d+)$/;
const NOT_EMPTY = /^([^\s!=]+)\s*!=\s*''$/;
const ONE_EXPRESSION = /^\$\{([^{}]+)\}$/;
const EXPRESSIONS = /\$\{([^{}]+)\}/g;

/** A property as adaptive-expressions finds it: its own key, else the first key equal ignoring case. */
function property(value: Json, name: string): Json {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, Json>;
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** `a.b.c` from the bound data; `$root…`, `$data…` and `$index` from where they say. */
function compilePath(path: string): Evaluate | undefined {
  if (!PATH.test(path)) return undefined;
  const [head = '', ...rest] = path.split('.');
  const start: (s: Scope) => Json =
    head === '$root' ? (s) => s.root : head === '$data' ? (s) => s.data : head === '$index' ? (s) => s.index : head.startsWith('$') ? () => undefined : (s) => property(s.data, head);
  return (s) => rest.reduce((v, part) => property(v, part), start(s));
}

/** A `$when` condition; anything but `true` drops the element. */
function compileCondition(text: string): Evaluate | undefined {
  const count = COUNT.exec(text);
  if (count) {
    const of = compilePath(count[1]?.trim() ?? '');
    const n = Number(count[3]);
    if (!of) return undefined;
    return (s) => {
      const v = of(s);
      const size = typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : undefined;
      if (size === undefined) return false; // count() of nothing is an error, and a failed comparison is false
      return count[2] === '>' ? size > n : size === n;
    };
  }
  const notEmpty = NOT_EMPTY.exec(text);
  if (notEmpty) {
    const of = compilePath(notEmpty[1] ?? '');
    return of && ((s) => of(s) !== '');
  }
  return compilePath(text.trim());
}

/** A missing value reads as its own expression, as the library substitutes it. */
const orItself = (text: string, evaluate: Evaluate): Evaluate => (s) => evaluate(s) ?? `\${${text}}`;

/** A string of the template: itself, one value of any type, or text with values in it. */
function compileString(text: string): Expand | undefined {
  if (!text.includes('${')) return () => text;
  const one = ONE_EXPRESSION.exec(text);
  if (one?.[1] !== undefined) {
    const evaluate = compilePath(one[1].trim());
    return evaluate && orItself(one[1].trim(), evaluate);
  }
  const pieces: Array<string | Evaluate> = [];
  let last = 0;
  for (const m of text.matchAll(EXPRESSIONS)) {
    const inner = m[1]?.trim() ?? '';
    const evaluate = compilePath(inner);
    if (!evaluate) return undefined;
    pieces.push(text.slice(last, m.index), orItself(inner, evaluate));
    last = (m.index ?? 0) + m[0].length;
  }
  const tail = text.slice(last);
  if (tail.includes('${')) return undefined;
  pieces.push(tail);
  return (s) => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : String(p(s));
    return out;
  };
}

/**
 * An element: null when dropped, an array when repeated (spliced into the array holding it). An element
 * without expressions is built once and shared, frozen, by every card (nothing may change a rendered card
 * in place; a frozen part makes a test that tries fail).
 */
function compileObject(node: Record<string, Json>): Expand | undefined {
  const fields: Array<[string, Expand]> = [];
  let constant = node.$when === undefined && node.$data === undefined;
  for (const [key, value] of Object.entries(node)) {
    if (RESERVED.has(key)) continue;
    const expand = compileNode(value);
    if (!expand) return undefined;
    fields.push([key, expand]);
    constant &&= CONSTANTS.has(expand);
  }
  if (constant) return constantOf(Object.fromEntries(fields.map(([key, expand]) => [key, expand(NO_SCOPE)])));
  const when = node.$when;
  const whenText = typeof when === 'string' ? ONE_EXPRESSION.exec(when)?.[1] : undefined;
  const condition = when === undefined ? undefined : whenText === undefined ? undefined : compileCondition(whenText.trim());
  if (when !== undefined && !condition) return undefined;
  const bind = node.$data === undefined ? undefined : typeof node.$data === 'string' ? compileString(node.$data) : undefined;
  if (node.$data !== undefined && !bind) return undefined;

  const keys = fields.map(([key]) => key);
  const expands = fields.map(([, expand]) => expand);
  const one = (s: Scope): Json => {
    if (condition && condition(s) !== true) return null;
    const out: Record<string, Json> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = (expands[i] as Expand)(s);
      if (value !== undefined) out[keys[i] as string] = value;
    }
    return out;
  };
  if (!bind) return one;
  return (s) => {
    const bound = bind(s);
    if (!Array.isArray(bound)) return one(bound === undefined ? s : { root: s.root, data: bound, index: s.index });
    const kept: Json[] = [];
    for (let index = 0; index < bound.length; index++) {
      const e = one({ root: s.root, data: bound[index] as Json, index });
      if (e !== null) kept.push(e);
    }
    return kept.length === 0 ? null : kept.length === 1 ? kept[0] : kept;
  };
}

/** The expanders of parts without expressions: they return the same frozen value every time. */
const CONSTANTS = new WeakSet<Expand>();
const NO_SCOPE: Scope = { root: undefined, data: undefined, index: undefined };

function constantOf(value: Json): Expand {
  const frozen = Object.freeze(value);
  const expand: Expand = () => frozen;
  CONSTANTS.add(expand);
  return expand;
}

function compileNode(node: Json): Expand | undefined {
  if (typeof node === 'string') return node.includes('${') ? compileString(node) : constantOf(node);
  if (Array.isArray(node)) {
    const items = node.map(compileNode);
    if (items.some((i) => !i)) return undefined;
    const expands = items as Expand[];
    if (expands.every((e) => CONSTANTS.has(e))) return constantOf(expands.map((e) => e(NO_SCOPE)));
    return (s) => {
      const out: Json[] = [];
      for (const expand of expands) {
        const v = expand(s);
        if (v === null) continue;
        if (Array.isArray(v)) out.push(...(v as Json[]));
        else out.push(v);
      }
      return out;
    };
  }
  if (node && typeof node === 'object') return compileObject(node as Record<string, Json>);
  return constantOf(node);
}

/** The template as a function of its data, or undefined when it uses more of the language than this compiles. */
export function compileTemplate(template: object): ((data: object) => Json) | undefined {
  const expand = compileNode(template);
  return expand && ((data) => expand({ root: data, data, index: undefined }));
}
