// The dependency rules (.dependency-cruiser.cjs, run by `npm run lint:deps` in `npm test`) really fail the
// build: a fixture tree, written to a temporary folder, breaks each rule once beside files that keep them,
// and the same command the build runs must name exactly those breaks and exit non-zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

/** Files that keep every rule: the layers import inward, the root knows the adapters. */
const KEEPS: Record<string, string> = {
  'src/domain/roles.ts': "import { randomBytes } from 'node:crypto';\nexport const r = randomBytes;\n",
  'src/ports/directory.port.ts': "import type { r } from '../domain/roles';\nexport type D = typeof r;\n",
  'src/service/kernel/route.ts': "import type { D } from '../../ports/directory.port';\nimport type { F } from '../lookup';\nexport type R = D | F;\n",
  'src/service/kernel/index.ts': "export type { R } from './route';\n",
  'src/service/lookup/find-user.ts': "import type { D } from '../../ports/directory.port';\nimport type { R } from '../kernel';\nexport type F = D;\nexport type G = R;\n",
  'src/service/lookup/index.ts': "export type { F } from './find-user';\n",
  'src/service/tickets/index.ts': "export const es = 1;\n",
  'src/service/helpdesk-service.ts': "import type { F } from './lookup';\nexport type S = F;\n",
  'src/adapters/ldap/ldap-directory.ts': "import type { D } from '../../ports/directory.port';\nimport { r } from '../../domain/roles';\nexport const l: D = r;\n",
  'src/config/config.ts': "import { z } from 'zod';\nexport const c = z;\n",
  'src/http/server.ts': "import type { D } from '../ports/directory.port';\nexport type H = D;\n",
  'src/chat/core/dispatch.ts': "import type { S } from '../../service/helpdesk-service';\nexport type X = S;\n",
  'src/chat/teams/bot.ts': "import type { X } from '../core/dispatch';\nimport type { H } from '../../http/server';\nimport type { c } from '../../config/config';\nexport type B = [X, H, typeof c];\n",
  'src/portal/portal-routes.ts': "import type { S } from '../service/helpdesk-service';\nimport type { H } from '../http/server';\nexport type P = [S, H];\n",
  'src/core.ts': "import { l } from './adapters/ldap/ldap-directory';\nexport const core = l;\n",
  'src/main.ts': "import { core } from './core';\nimport type { B } from './chat/teams/bot';\nimport type { P } from './portal/portal-routes';\nexport const m: [typeof core, B?, P?] = [core];\n",
};

/** At least one break per rule: the file that breaks it, and the rules that must name it. */
const BREAKS: { file: string; text: string; rules: string[] }[] = [
  { rules: ['domain-imports-nothing'], file: 'src/domain/policy.ts', text: "import type { D } from '../ports/directory.port';\nexport type P = D;\n" },
  { rules: ['domain-imports-nothing'], file: 'src/domain/masking.ts', text: "import { z } from 'zod';\nexport const m = z;\n" },
  { rules: ['ports-import-domain'], file: 'src/ports/store.port.ts', text: "import type { F } from '../service/lookup';\nexport type St = F;\n" },
  { rules: ['capabilities-meet-at-their-faces'], file: 'src/service/tickets/escalate.ts', text: "import type { F } from '../lookup/find-user';\nexport type E = F;\n" },
  { rules: ['the-rest-meets-capabilities-at-their-faces'], file: 'src/chat/core/render.ts', text: "import type { F } from '../../service/lookup/find-user';\nexport type Re = F;\n" },
  { rules: ['kernel-is-below-every-capability'], file: 'src/service/kernel/actor-resolver.ts', text: "import { es } from '../tickets';\nexport const ar = es;\n" },
  { rules: ['service-imports-domain-and-ports'], file: 'src/service/health.ts', text: "import type { H } from '../http/server';\nexport type He = H;\n" },
  // A surface importing an adapter breaks two rules at once.
  { rules: ['chat-and-adapters-apart', 'only-the-root-knows-adapters'], file: 'src/chat/slack/slack-app.ts', text: "import { l } from '../../adapters/ldap/ldap-directory';\nexport const s = l;\n" },
  { rules: ['adapters-import-ports-and-domain'], file: 'src/adapters/tickets/ticket-sink-for.ts', text: "import type { c } from '../../config/config';\nexport type T = typeof c;\n" },
  { rules: ['only-the-root-knows-adapters'], file: 'src/portal/portal-store.ts', text: "import { l } from '../adapters/ldap/ldap-directory';\nexport const u = l;\n" },
  { rules: ['the-root-is-on-top'], file: 'src/chat/teams/index.ts', text: "import type { core } from '../../core';\nexport type Sh = typeof core;\n" },
  { rules: ['config-imports-domain'], file: 'src/config/load-config.ts', text: "import type { H } from '../http/server';\nexport type L = H;\n" },
  { rules: ['http-is-routes-only'], file: 'src/http/health.ts', text: "import type { S } from '../service/helpdesk-service';\nexport type Hr = S;\n" },
  { rules: ['portal-is-a-surface'], file: 'src/portal/portal-api.ts', text: "import type { X } from '../chat/core/dispatch';\nexport type Pa = X;\n" },
  { rules: ['chat-core-and-cards-serve-every-surface'], file: 'src/chat/cards/card-data.ts', text: "import type { B } from '../teams/bot';\nexport type Cd = B;\n" },
  { rules: ['no-dev-dependencies-in-src'], file: 'src/chat/local/console.ts', text: "import mocha from 'mocha';\nexport const co = mocha;\n" },
  { rules: ['not-to-unresolvable'], file: 'src/chat/local/direct-line.ts', text: "import { gone } from './no-such-file';\nexport const dl = gone;\n" },
  // A circle: each side alone keeps every other rule; the tool names the circle once, from either side. (A circle
  // of type-only imports is erased at build and allowed: the kernel's route.ts and lookup's find-user.ts above.)
  { rules: ['no-circular'], file: 'src/chat/slack/slack-context.ts', text: "import { ad } from './approval-delivery';\nexport const sc = () => ad;\n" },
  { rules: ['no-circular'], file: 'src/chat/slack/approval-delivery.ts', text: "import { sc } from './slack-context';\nexport const ad = () => sc;\n" },
];

/** Runs the build's own command (`depcruise src --config …`) on `files`: its exit status and the rule + file of each error it printed. */
function cruise(files: Record<string, string>): { status: number | null; violations: { rule: string; from: string }[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dependency-rules-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { zod: '*' }, devDependencies: { mocha: '*' } }));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', path.join(ROOT, '.dependency-cruiser.cjs')],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.match(run.stdout, /dependenc(y|ies) cruised/, `the cruise ran: ${run.stderr.slice(0, 400)}`);
    const violations = [...run.stdout.matchAll(/^\s*error ([a-z-]+): (\S+) →/gm)].map((m) => ({ rule: m[1] ?? '', from: m[2] ?? '' }));
    return { status: run.status, violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dependency rules (npm run lint:deps)', function () {
  this.timeout(60_000);

  it('pass a tree whose layers import inward and whose root alone knows the adapters', () => {
    const { status, violations } = cruise(KEEPS);
    assert.deepEqual(violations, []);
    assert.equal(status, 0);
  });

  it('fail the build on each broken rule, naming the file that broke it and nothing else', () => {
    const { status, violations } = cruise({ ...KEEPS, ...Object.fromEntries(BREAKS.map((b) => [b.file, b.text])) });
    const named = (rule: string, file: string) => (rule === 'no-circular' ? rule : `${rule}: ${file}`);
    const found = new Set(violations.map((v) => named(v.rule, v.from)));
    const expected = new Set(BREAKS.flatMap((b) => b.rules.map((rule) => named(rule, b.file))));
    assert.deepEqual([...found].sort(), [...expected].sort());
    assert.notEqual(status, 0, 'a broken rule fails the command');
  });

  it('has a fixture for every rule in the configuration', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the configuration is CommonJS, read as the tool reads it
    const config = require(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] };
    assert.deepEqual([...new Set(BREAKS.flatMap((b) => b.rules))].sort(), config.forbidden.map((r) => r.name).sort());
  });
});
