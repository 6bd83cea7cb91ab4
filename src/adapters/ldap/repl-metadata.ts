// The replication metadata of one attribute: which DC (its invocationId) wrote the current value, and when.
// AD offers it as text (msDS-ReplAttributeMetaData, one XML fragment per attribute); Samba only as the binary
// replPropertyMetaData (layout in ../shared/notes/samba-ad.md, checked against Samba's own decoder). Pure functions.

export interface AttributeOrigin {
  readonly invocationId: string;
  readonly at: Date;
}

/** Seconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_S = 11_644_473_600n;
const HEADER = 16;
const ENTRY = 48;

/** A GUID in Microsoft byte order (the first three fields little-endian), as the usual lower-case text. */
export function guidText(b: Buffer): string {
  if (b.length !== 16) return '';
  const hex = (x: Buffer) => x.toString('hex');
  const le = (start: number, len: number) => hex(Buffer.from(b.subarray(start, start + len)).reverse());
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex(b.subarray(8, 10))}-${hex(b.subarray(10, 16))}`;
}

/** The entry of attribute `attid` in a binary replPropertyMetaData blob (version 1), or undefined. */
export function originFromReplPropertyMetaData(blob: Buffer, attid: number): AttributeOrigin | undefined {
  if (blob.length < HEADER || blob.readUInt32LE(0) !== 1) return undefined;
  const count = blob.readUInt32LE(8);
  for (let i = 0; i < count; i++) {
    const at = HEADER + i * ENTRY;
    if (at + ENTRY > blob.length) return undefined;
    if (blob.readUInt32LE(at) !== attid) continue;
    const seconds = blob.readBigInt64LE(at + 8);
    if (seconds <= EPOCH_DIFF_S) return undefined;
    return { invocationId: guidText(blob.subarray(at + 16, at + 32)), at: new Date(Number(seconds - EPOCH_DIFF_S) * 1000) };
  }
  return undefined;
}

/** The fragment of msDS-ReplAttributeMetaData (AD's text form) naming `attribute`, or undefined. */
export function originFromReplAttributeMetaData(values: readonly string[], attribute: string): AttributeOrigin | undefined {
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();
  for (const xml of values) {
    if (tag(xml, 'pszAttributeName')?.toLowerCase() !== attribute.toLowerCase()) continue;
    const invocationId = tag(xml, 'uuidLastOriginatingDsaInvocationID')?.toLowerCase();
    const at = new Date(tag(xml, 'ftimeLastOriginatingChange') ?? '');
    if (!invocationId || Number.isNaN(at.getTime())) return undefined;
    return { invocationId, at };
  }
  return undefined;
}

/** lockoutTime is 1.2.840.113556.1.4.662: a built-in attribute's attid is 0x0009 followed by its last arc. */
export const LOCKOUT_TIME_ATTID = 0x00090296;
