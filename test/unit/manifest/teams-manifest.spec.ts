import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import {
  buildTeamsPackage,
  MENU_COMMANDS,
  MANIFEST_DIR,
  packageProblems,
  readPng,
  ROOT,
  schemaDir,
  schemaErrors,
  type Manifest,
} from '../../../scripts/package-teams';

const manifest = (): Manifest => JSON.parse(readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as Manifest;
const icons = () => ({
  'color.png': readFileSync(path.join(MANIFEST_DIR, 'color.png')),
  'outline.png': readFileSync(path.join(MANIFEST_DIR, 'outline.png')),
});

describe('Teams app manifest (manifest/teams)', () => {
  it('is valid against Microsoft’s JSON schema for its version', () => {
    assert.deepEqual(schemaErrors(manifest()), []);
  });

  it('uses the newest released schema version Microsoft’s package ships', () => {
    const versions = readdirSync(schemaDir())
      .filter((v) => /^v\d+\.\d+$/.test(v))
      .map((v) => v.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    const m = manifest();
    assert.equal(m.manifestVersion, versions.at(-1));
    assert.equal(m.$schema, `https://developer.microsoft.com/json-schemas/teams/v${m.manifestVersion}/MicrosoftTeams.schema.json`);
  });

  it('the schema check does catch mistakes', () => {
    const m = manifest() as Manifest & { accentColor?: string };
    delete m.accentColor;
    m.bots[0]!.scopes.push('everywhere');
    const errors = schemaErrors(m);
    assert.ok(errors.some((e) => e.includes('accentColor')), errors.join('\n'));
    assert.ok(errors.some((e) => e.includes('/bots/0/scopes')), errors.join('\n'));
  });

  it('has the bot in personal, team and groupChat scopes, with a command list matching the commands', () => {
    const m = manifest();
    assert.deepEqual(packageProblems(m, icons()), []);
    assert.deepEqual(m.bots[0]?.scopes.sort(), ['groupChat', 'personal', 'team']);
    const titles = m.bots[0]?.commandLists.flatMap((l) => l.commands.map((c) => c.title));
    assert.deepEqual(titles, [...MENU_COMMANDS]);
  });

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const color = readPng(icons()['color.png']);
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outline = readPng(icons()['outline.png']);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    assert.ok(outline.rgba);
    const alphas = new Set<number>();
    for (let i = 3; i < outline.rgba.length; i += 4) alphas.add(outline.rgba[i]!);
    assert.ok(alphas.has(0) && alphas.has(255), 'transparent background, opaque strokes');
    const broken = { ...icons(), 'outline.png': icons()['color.png'] };
    assert.ok(packageProblems(manifest(), broken).some((p) => p.includes('outline.png must be 32x32')));
  });

  it('packages a zip with manifest.json and both icons at its root, the bot id filled in', () => {
    const botId = '11111111-2222-4333-8444-555555555555';
    const { zip } = buildTeamsPackage({ botId, version: '9.8.7' });
    const files = unzipSync(zip);
    assert.deepEqual(Object.keys(files).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Manifest;
    assert.equal(packed.bots[0]?.botId, botId);
    assert.equal(packed.version, '9.8.7');
    assert.deepEqual(schemaErrors(packed), []);
    assert.ok(Buffer.from(files['color.png']!).equals(icons()['color.png']));
  });

  it('refuses to package an invalid manifest', () => {
    assert.throws(() => buildTeamsPackage({ botId: 'not-a-guid' }), /botId/);
  });

  it('`npm run package:teams` writes the zip', function () {
    this.timeout(30_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'teams-pkg-'));
    try {
      const out = path.join(dir, 'app.zip');
      const printed = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/package-teams.ts', '--out', out], {
        cwd: ROOT,
        env: { ...process.env, MicrosoftAppId: '11111111-2222-4333-8444-555555555555' },
        encoding: 'utf8',
      });
      assert.match(printed, /Teams app package/);
      const packed = JSON.parse(Buffer.from(unzipSync(readFileSync(out))['manifest.json']!).toString('utf8')) as Manifest;
      assert.equal(packed.bots[0]?.botId, '11111111-2222-4333-8444-555555555555');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
