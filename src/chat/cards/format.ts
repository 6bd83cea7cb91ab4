// Presentation helpers for cards: dates in the viewer's time zone and UTC with a relative hint, people by
// name and login, and long names cut short.
import { viewerDateTime } from '../core/viewer-time';

const UNITS: readonly [number, string][] = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [7 * 24 * 3600, 'week'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "3 hours ago" / "in 5 minutes" / "just now". */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds < 0 || abs === 0 ? 'just now' : 'in a few seconds';
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return seconds < 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  const n = Math.max(1, Math.round(abs / 60));
  const phrase = `${n} minute${n === 1 ? '' : 's'}`;
  return seconds < 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** "2024-05-01 14:03 UTC (3 hours ago)" (in the viewer's zone first when known); an unparseable value is shown as given. */
export function formatWhen(iso: string | undefined, now: Date): string | undefined {
  if (iso === undefined || iso === '') return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${viewerDateTime(at)} (${relativeTime(at, now)})`;
}

/** An audit filter's window: "last day", "last 7 days". */
export function lastDays(days: number): string {
  return days === 1 ? 'last day' : `last ${days} days`;
}

/** "Jane Smith (jsmith)", or the login alone when the name is missing or is the login. */
export function person(target: { readonly login: string; readonly displayName: string }): string {
  return target.displayName && target.displayName !== target.login ? `${target.displayName} (${target.login})` : target.login;
}

/** Cuts a string to `max` characters with an ellipsis (by code point, so no half emoji). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // no more code points than UTF-16 units: nothing to cut
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
