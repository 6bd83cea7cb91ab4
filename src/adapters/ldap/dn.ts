// Reading values out of a distinguished name (RFC 4514). Building DNs is left to ldapts' DN/RDN
// classes, which escape values; this adapter never builds a DN from user input.

/**
 * The value of the first RDN, unescaped: "CN=O\'Brien\, Conor,OU=x" → "O'Brien, Conor";
 * hex escapes are UTF-8 bytes ("M\C3\BCller" → "Müller"). Undefined when the DN is malformed.
 * Used to show a manager's name without a second round trip: AD users' CN is their full name.
 */
export function firstRdnValue(dn: string): string | undefined {
  const eq = dn.indexOf('=');
  if (eq <= 0) return undefined;
  const bytes: number[] = [];
  const text = Buffer.from(dn.slice(eq + 1), 'utf8');
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as number;
    if (c === 0x2c /* , */ || c === 0x2b /* + */) break;
    if (c !== 0x5c /* \ */) {
      bytes.push(c);
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return undefined;
    const pair = text.subarray(i + 1, i + 3).toString('latin1');
    if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else {
      bytes.push(next);
      i += 1;
    }
  }
  const value = Buffer.from(bytes).toString('utf8');
  return value === '' ? undefined : value;
}
