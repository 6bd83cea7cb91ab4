// Times in what a surface renders, in the zone of the person it is rendered for (src/domain/time-text.ts).
// A surface renders one view for one viewer synchronously: it names the viewer's zone around that call
// (inViewerTimeZone), and the card, Block Kit and error wording read it, so no renderer passes it along.
import { clockTime, dateTime } from '../../domain/time-text';

let current: string | undefined;

/** Runs a synchronous render with times shown in `zone` (undefined: UTC). */
export function inViewerTimeZone<T>(zone: string | undefined, render: () => T): T {
  const outer = current;
  current = zone;
  try {
    return render();
  } finally {
    current = outer;
  }
}

/** "14:41 CET (13:41 UTC)", or "13:41 UTC" when the viewer's zone is not known. */
export const viewerClock = (at: Date): string => clockTime(at, current);

/** " (13:41 UTC)" beside a time the host itself shows in the viewer's zone (Slack's date token); "" when the zone is not known. */
export const utcBeside = (at: Date): string => (current ? ` (${clockTime(at)})` : '');

/** "2026-12-06 14:41 CET (13:41 UTC)", or "2026-12-06 13:41 UTC". */
export const viewerDateTime = (at: Date): string => dateTime(at, current);
