// README.md is what a clone of the project has (hardening II, item 16): its configuration table names
// every variable the config schema reads, its command table is one well-formed table naming every
// command, and it points to nothing outside the repository.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DEFAULTS, CONFIG_VARIABLES } from '../../../src/config/load-config';
import { COMMAND_NAMES } from '../../../src/domain/command';

const README = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');

/** The lines of the first Markdown table after a `## heading`: header, delimiter and the rows after them. */
function tableUnder(heading: string): string[] {
  const lines = README.split('\n');
  const at = lines.indexOf(`## ${heading}`);
  assert.ok(at >= 0, `README has a "## ${heading}" section`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end === -1 ? undefined : end);
}

/** The `names` in a row's first cell. */
const firstCellNames = (row: string) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

function assertWellFormed(table: string[], columns: number): void {
  assert.match(table[1] ?? '', /^\|(---\|)+$/, 'a delimiter row under the header');
  for (const row of table) assert.equal(row.split('|').length - 2, columns, `${columns} cells: ${row.slice(0, 80)}`);
}

describe('README.md', () => {
  it('the configuration table names every variable the config schema reads', () => {
    const table = tableUnder('Configuration');
    assertWellFormed(table, 3);
    const documented = new Set(table.slice(2).flatMap(firstCellNames));
    const missing = CONFIG_VARIABLES.filter((v) => !documented.has(v));
    assert.deepEqual(missing, [], `add these to README.md's configuration table: ${missing.join(', ')}`);
  });

  it('the configuration table documents each variable once, with the default its schema module declares', () => {
    const rows = tableUnder('Configuration').slice(2);
    const named = rows.flatMap(firstCellNames);
    assert.deepEqual(named.filter((v, i) => named.indexOf(v) !== i), [], 'a variable in two rows');
    const wrong: string[] = [];
    for (const row of rows) {
      const names = firstCellNames(row);
      const cell = (row.split('|')[3] ?? '').trim();
      // One default per variable, in the row's order ("`60`, `10`"), or the cell names each one ("`MultiTenant`").
      const parts = cell.split(/,\s+/);
      names.forEach((name, i) => {
        const fallback = CONFIG_DEFAULTS[name];
        if (fallback === undefined) return;
        const where = parts.length === names.length ? (parts[i] ?? '') : cell;
        if (!where.includes(`\`${fallback}\``)) wrong.push(`${name}: \`${fallback}\` (README: ${cell})`);
      });
    }
    assert.deepEqual(wrong, [], 'README shows these defaults otherwise than the config');
  });

  it('the command table is one well-formed table with every command', () => {
    const table = tableUnder('Commands');
    assertWellFormed(table, 3);
    const commands = new Set(table.slice(2).flatMap(firstCellNames).map((c) => c.split(' ')[0]));
    assert.deepEqual(COMMAND_NAMES.filter((c) => !commands.has(c)), []);
    // No table row stranded outside a table (a row after a paragraph renders as text with pipes).
    const lines = README.split('\n');
    lines.forEach((line, i) => {
      if (line.startsWith('| `') && !(lines[i - 1] ?? '').startsWith('|')) assert.fail(`a table row without its table: ${line.slice(0, 60)}`);
    });
  });

  it('points to nothing a clone does not have (the workspace\'s DESIGN.md)', () => {
    assert.doesNotMatch(README, /\.\.\/shared|DESIGN\.md/);
  });
});
