// Item 18: status must read in the console. The console renders cards with its own host config
// (src/chat/local/public/host-config.json); every text colour it can draw must reach WCAG AA (4.5:1) on every
// container style it can draw it on, as the adaptivecards SDK itself resolves them. Plus the page's own CSS.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AC } from '../../../helpers/adaptive-card-sdk';

const PUBLIC = path.resolve(__dirname, '../../../../src/chat/local/public');

type Rgb = readonly [number, number, number];

/** "#RGB", "#RRGGBB" or the SDK's "#AARRGGBB", alpha-blended over `under`. */
function parseColor(hex: string, under: Rgb = [255, 255, 255]): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const alpha = full.length === 8 ? parseInt(full.slice(0, 2), 16) / 255 : 1;
  const rgb = full.length === 8 ? full.slice(2) : full;
  const channels = [0, 2, 4].map((i) => parseInt(rgb.slice(i, i + 2), 16));
  return channels.map((c, i) => Math.round(alpha * c + (1 - alpha) * (under[i] ?? 255))) as unknown as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

interface StyleDef { backgroundColor?: string; foregroundColors: Record<string, { default: string; subtle: string }> }
interface HostConfigLike { containerStyles: { getStyleByName(name: string): StyleDef } }
const HostConfig = (AC as unknown as { HostConfig: new (json: unknown) => HostConfigLike }).HostConfig;
const SDK_DEFAULT = (AC as unknown as { defaultHostConfig: HostConfigLike }).defaultHostConfig;

const STYLES = ['default', 'emphasis', 'good', 'attention', 'warning', 'accent'] as const;
/** Colours meant for text on the light container styles ("light" is for dark backgrounds; we never use it). */
const TEXT_COLORS = ['default', 'dark', 'accent', 'good', 'warning', 'attention'] as const;

function failures(config: HostConfigLike, colors: readonly string[]): string[] {
  const out: string[] = [];
  const page = parseColor(config.containerStyles.getStyleByName('default').backgroundColor ?? '#FFFFFF');
  for (const style of STYLES) {
    const def = config.containerStyles.getStyleByName(style);
    const bg = parseColor(def.backgroundColor ?? '#FFFFFF', page);
    for (const color of colors) {
      for (const variant of ['default', 'subtle'] as const) {
        const fg = def.foregroundColors[color]?.[variant];
        assert.ok(fg, `${style}.${color}.${variant} is not defined`);
        const ratio = contrast(parseColor(fg, bg), bg);
        if (ratio < 4.5) out.push(`${color}/${variant} on ${style}: ${ratio.toFixed(2)}:1`);
      }
    }
  }
  return out;
}

describe('local console: colours meet WCAG AA contrast', () => {
  it('the contrast computation agrees with known values', () => {
    assert.equal(contrast(parseColor('#000'), parseColor('#fff')).toFixed(1), '21.0');
    assert.equal(contrast(parseColor('#767676'), parseColor('#ffffff')).toFixed(2), '4.54');
    // The SDK's own default config is what the console used before: green text on white fails.
    assert.ok(failures(SDK_DEFAULT, ['good']).length > 0);
  });

  it('host-config.json: default, subtle and every status colour on every container style ≥ 4.5:1', () => {
    const json = JSON.parse(readFileSync(path.join(PUBLIC, 'host-config.json'), 'utf8')) as unknown;
    assert.deepEqual(failures(new HostConfig(json), TEXT_COLORS), []);
  });

  it('console.js renders every card with that host config', () => {
    const js = readFileSync(path.join(PUBLIC, 'console.js'), 'utf8');
    assert.match(js, /\/console\/host-config\.json/);
    assert.match(js, /card\.hostConfig = /);
  });

  it('the page’s own text colours (console.css) on their backgrounds ≥ 4.5:1', () => {
    const css = readFileSync(path.join(PUBLIC, 'console.css'), 'utf8');
    // A rule's text colour against its own background, or else against the page's (white panels, grey page).
    const backgrounds = ['#ffffff', '#f3f2f1'];
    const bad: string[] = [];
    for (const [, selector, body] of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
      const color = /(?:^|;)\s*color:\s*(#[0-9a-f]{3,6})/i.exec(body ?? '')?.[1];
      if (!color) continue;
      const own = /background(?:-color)?:\s*(#[0-9a-f]{3,6})/i.exec(body ?? '')?.[1];
      for (const bg of own ? [own] : backgrounds) {
        const ratio = contrast(parseColor(color), parseColor(bg));
        if (ratio < 4.5) bad.push(`${selector?.trim()}: ${color} on ${bg} = ${ratio.toFixed(2)}:1`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
