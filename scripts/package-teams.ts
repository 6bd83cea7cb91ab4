// `npm run package:teams`: the Teams app package (manifest.json + color and outline icons at the zip's
// root), checked against Microsoft's JSON schema for the manifest's version (shipped in the
// @microsoft/app-manifest package) and the rules Teams checks on upload (icon sizes, ids, commands).
//   MicrosoftAppId   the bot's Microsoft App ID (bots[0].botId); without it the package has a placeholder
//   TEAMS_APP_ID     the Teams app's own id (a GUID), default: the one in manifest/teams/manifest.json
//   --out <file>     default dist/teams/mypass-helpdesk-teams.zip
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { zipSync } from 'fflate';
import { COMMAND_NAMES } from '../src/domain/command';

/**
 * The Teams command menu: Teams shows at most 12 entries, and there are more commands than that now, so the
 * menu offers the ones an agent on the phone reaches for first; `help` (an empty message or any unknown word)
 * lists every command the asker may run.
 */
export const MENU_COMMANDS = [
  'user', 'unlock', 'reset', 'pin', 'verify', 'locked', 'lockout', 'audit', 'unlock-portal', 'escalate', 'expiring', 'approvals',
] as const satisfies readonly (typeof COMMAND_NAMES)[number][];

export const ROOT = path.resolve(__dirname, '..');
export const MANIFEST_DIR = path.join(ROOT, 'manifest', 'teams');
export const DEFAULT_OUT = path.join(ROOT, 'dist', 'teams', 'mypass-helpdesk-teams.zip');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';

export type Manifest = Record<string, unknown> & {
  manifestVersion: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[] }[];
};

/** Where Microsoft's schemas live in the installed @microsoft/app-manifest package. */
export function schemaDir(): string {
  return path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
}

export function schemaFor(version: string): object {
  return JSON.parse(readFileSync(path.join(schemaDir(), `v${version}`, 'MicrosoftTeams.schema.json'), 'utf8')) as object;
}

/** Schema violations of the manifest, one line each (an empty list = valid). */
export function schemaErrors(manifest: Manifest): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schemaFor(manifest.manifestVersion));
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly colorType: number;
  /** RGBA pixels when the PNG is 8-bit RGBA, non-interlaced (what our icons are). */
  readonly rgba?: Buffer;
}

/** A small PNG reader: the header, and the pixels of 8-bit RGBA images (all five filter types). */
export function readPng(png: Buffer): PngInfo {
  if (!png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let interlace = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8] ?? 0;
      colorType = data[9] ?? 0;
      interlace = data[12] ?? 0;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (bitDepth !== 8 || colorType !== 6 || interlace !== 0) return { width, height, colorType };
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= 4 ? (out[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (out[(y - 1) * stride + x - 4] ?? 0) : 0;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, colorType, rgba: out };
}

/** What Teams checks on upload beyond the schema. */
export function packageProblems(manifest: Manifest, files: Readonly<Record<string, Buffer>>): string[] {
  const problems: string[] = [];
  if (!GUID.test(manifest.id)) problems.push('id must be a GUID');
  const bot = manifest.bots[0];
  if (!bot) return [...problems, 'no bot'];
  if (!GUID.test(bot.botId)) problems.push('bots[0].botId must be a GUID (the MicrosoftAppId)');
  for (const scope of ['personal', 'team', 'groupChat']) if (!bot.scopes.includes(scope)) problems.push(`the bot lacks the ${scope} scope`);
  const titles = bot.commandLists.flatMap((l) => l.commands.map((c) => c.title));
  if (JSON.stringify([...titles].sort()) !== JSON.stringify([...MENU_COMMANDS].sort())) {
    problems.push(`the command list (${titles.join(', ')}) does not match the commands (${MENU_COMMANDS.join(', ')})`);
  }
  const icon = (name: string, size: number, outline: boolean) => {
    const file = files[name];
    if (!file) return problems.push(`icon ${name} is missing`);
    const png = readPng(file);
    if (png.width !== size || png.height !== size) problems.push(`${name} must be ${size}x${size} (is ${png.width}x${png.height})`);
    if (outline) {
      if (!png.rgba) return problems.push(`${name} must be an 8-bit RGBA PNG (transparent background)`);
      for (let i = 0; i < png.rgba.length; i += 4) {
        const [r, g, b, a] = [png.rgba[i], png.rgba[i + 1], png.rgba[i + 2], png.rgba[i + 3]];
        if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) return problems.push(`${name} must be white on transparent`);
      }
    }
    return undefined;
  };
  icon(manifest.icons.color, 192, false);
  icon(manifest.icons.outline, 32, true);
  return problems;
}

export interface PackageOptions {
  readonly botId?: string;
  readonly appId?: string;
  readonly version?: string;
}

/** The manifest as it goes into the package, and the files of the zip. */
export function buildTeamsPackage(options: PackageOptions = {}): { manifest: Manifest; files: Record<string, Buffer>; zip: Uint8Array } {
  const manifest = JSON.parse(readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as Manifest;
  if (options.appId) manifest.id = options.appId;
  if (options.version) manifest.version = options.version;
  const bot = manifest.bots[0];
  if (bot && options.botId) bot.botId = options.botId;
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    [manifest.icons.color]: readFileSync(path.join(MANIFEST_DIR, manifest.icons.color)),
    [manifest.icons.outline]: readFileSync(path.join(MANIFEST_DIR, manifest.icons.outline)),
  };
  const problems = [...schemaErrors(manifest), ...packageProblems(manifest, files)];
  if (problems.length > 0) throw new Error(`The Teams app package is not valid:\n  ${problems.join('\n  ')}`);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, body]) => [name, new Uint8Array(body)])), { level: 9, mtime: new Date('2025-01-01T00:00:00Z') });
  return { manifest, files, zip };
}

function main(): void {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 && args[outIndex + 1] ? path.resolve(args[outIndex + 1] as string) : DEFAULT_OUT;
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const botId = process.env.MicrosoftAppId?.trim();
  const { manifest, zip } = buildTeamsPackage({ version: pkg.version, ...(botId ? { botId } : {}), ...(process.env.TEAMS_APP_ID ? { appId: process.env.TEAMS_APP_ID } : {}) });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(`Teams app package: ${path.relative(process.cwd(), out)} (manifest ${manifest.manifestVersion}, app ${manifest.version}, ${zip.length} bytes)`);
  if (manifest.bots[0]?.botId === PLACEHOLDER_BOT_ID) console.log('Note: MicrosoftAppId is not set, so bots[0].botId is a placeholder: set it before uploading to Teams.');
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
