import assert from 'node:assert/strict';
import { guidText, LOCKOUT_TIME_ATTID, originFromReplAttributeMetaData, originFromReplPropertyMetaData } from '../../../../src/adapters/ldap/repl-metadata';

// A replPropertyMetaData blob as Samba returns it: header, then 48-byte entries.
function blob(entries: { attid: number; seconds: bigint; guid: Buffer }[]): Buffer {
  const b = Buffer.alloc(16 + 48 * entries.length);
  b.writeUInt32LE(1, 0);
  b.writeUInt32LE(entries.length, 8);
  entries.forEach((e, i) => {
    const at = 16 + 48 * i;
    b.writeUInt32LE(e.attid, at);
    b.writeUInt32LE(1, at + 4);
    b.writeBigInt64LE(e.seconds, at + 8);
    e.guid.copy(b, at + 16);
  });
  return b;
}

const GUID = Buffer.from('0319c3e858d8104da07369f628cb0679', 'hex'); // e8c31903-d858-4d10-a073-69f628cb0679
const SECONDS_1970 = 11_644_473_600n;

describe('replication metadata of lockoutTime', () => {
  it('reads a GUID in Microsoft byte order', () => {
    assert.equal(guidText(GUID), 'e8c31903-d858-4d10-a073-69f628cb0679');
  });

  it('finds the originating DC and time of lockoutTime in Samba\'s binary replPropertyMetaData', () => {
    const at = Date.parse('2026-12-06T09:14:05Z');
    const b = blob([
      { attid: 0x00090001, seconds: SECONDS_1970 + 100n, guid: Buffer.alloc(16, 1) },
      { attid: LOCKOUT_TIME_ATTID, seconds: SECONDS_1970 + BigInt(at / 1000), guid: GUID },
    ]);
    assert.deepEqual(originFromReplPropertyMetaData(b, LOCKOUT_TIME_ATTID), { invocationId: 'e8c31903-d858-4d10-a073-69f628cb0679', at: new Date(at) });
  });

  it('says nothing for a blob without lockoutTime, of another version, or cut short', () => {
    assert.equal(originFromReplPropertyMetaData(blob([{ attid: 0x00090001, seconds: SECONDS_1970 + 1n, guid: GUID }]), LOCKOUT_TIME_ATTID), undefined);
    const other = blob([{ attid: LOCKOUT_TIME_ATTID, seconds: SECONDS_1970 + 1n, guid: GUID }]);
    other.writeUInt32LE(2, 0);
    assert.equal(originFromReplPropertyMetaData(other, LOCKOUT_TIME_ATTID), undefined);
    assert.equal(originFromReplPropertyMetaData(blob([{ attid: LOCKOUT_TIME_ATTID, seconds: SECONDS_1970 + 1n, guid: GUID }]).subarray(0, 40), LOCKOUT_TIME_ATTID), undefined);
  });

  it('reads AD\'s msDS-ReplAttributeMetaData text form', () => {
    const xml = (name: string) => `<DS_REPL_ATTR_META_DATA>\n\t<pszAttributeName>${name}</pszAttributeName>\n\t<dwVersion>3</dwVersion>\n\t<ftimeLastOriginatingChange>2026-12-06T09:14:05Z</ftimeLastOriginatingChange>\n\t<uuidLastOriginatingDsaInvocationID>E8C31903-D858-4D10-A073-69F628CB0679</uuidLastOriginatingDsaInvocationID>\n</DS_REPL_ATTR_META_DATA>`;
    assert.deepEqual(originFromReplAttributeMetaData([xml('pwdLastSet'), xml('lockoutTime')], 'lockoutTime'), {
      invocationId: 'e8c31903-d858-4d10-a073-69f628cb0679', at: new Date('2026-12-06T09:14:05Z'),
    });
    assert.equal(originFromReplAttributeMetaData([xml('pwdLastSet')], 'lockoutTime'), undefined);
  });
});
