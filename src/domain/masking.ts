// How an enrolled answer is shown to a supervisor (ENROLLMENT_MASK). Masking works on code points, so
// an accented or emoji answer is never cut in half, and every hidden character becomes one dot.

export const MASK_POLICIES = ['first', 'last', 'first-last', 'length', 'none'] as const;
export type MaskPolicy = (typeof MASK_POLICIES)[number];

const DOT = '•';

/**
 * first: "p•••••••"; last: "•••••••s"; first-last: "p••••••s"; length: "••••••••" (only the length);
 * none: "••••••" (a fixed six dots: not even the length shows). Answers of one or two characters never show
 * a character: the mask would give the whole answer away.
 */
export function maskAnswer(answer: string, policy: MaskPolicy): string {
  const chars = Array.from(answer);
  const n = chars.length;
  const dots = (k: number) => DOT.repeat(Math.max(0, k));
  if (policy === 'none') return dots(6);
  if (policy === 'length' || n <= 2) return dots(n);
  if (policy === 'first') return chars[0] + dots(n - 1);
  if (policy === 'last') return dots(n - 1) + chars[n - 1];
  if (n === 3) return chars[0] + dots(2);
  return chars[0] + dots(n - 2) + chars[n - 1];
}
