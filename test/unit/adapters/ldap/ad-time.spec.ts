import assert from 'node:assert/strict';
import {
  adDurationToMs,
  dateToFileTime,
  fileTimeToDate,
  generalizedTimeToDate,
  isZeroFileTime,
} from '../../../../src/adapters/ldap/ad-time';

describe('AD time conversion', () => {
  describe('fileTimeToDate (FILETIME: 100 ns since 1601)', () => {
    it('converts known values', () => {
      // 1970-01-01T00:00:00Z is 116444736000000000 ticks after 1601-01-01.
      assert.equal(fileTimeToDate('116444736000000000')?.toISOString(), '1970-01-01T00:00:00.000Z');
      assert.equal(fileTimeToDate('134400462134911830')?.toISOString(), '2026-11-25T02:10:13.491Z');
      assert.equal(fileTimeToDate(' 133000000000000000 ')?.toISOString(), '2022-06-18T04:26:40.000Z');
    });

    it('keeps precision beyond 2^53 (parsed as BigInt)', () => {
      const d = new Date('2031-12-31T23:59:59.999Z');
      assert.equal(fileTimeToDate(dateToFileTime(d))?.getTime(), d.getTime());
      assert.equal(dateToFileTime(new Date(0)), '116444736000000000');
    });

    it('reads 0 ("not set") and 0x7FFFFFFFFFFFFFFF ("never") as no date', () => {
      assert.equal(fileTimeToDate('0'), undefined);
      assert.equal(fileTimeToDate('9223372036854775807'), undefined);
      assert.equal(fileTimeToDate(undefined), undefined);
    });

    it('rejects malformed and negative values', () => {
      for (const v of ['', 'abc', '-1', '1e10', '12.5', '99999999999999999999999']) assert.equal(fileTimeToDate(v), undefined, v);
    });

    it('tells pwdLastSet = 0 apart', () => {
      assert.equal(isZeroFileTime('0'), true);
      assert.equal(isZeroFileTime('134400462134911830'), false);
      assert.equal(isZeroFileTime(undefined), false);
      assert.equal(isZeroFileTime('-1'), false);
    });
  });

  describe('adDurationToMs (negative 100 ns intervals)', () => {
    it('converts lockoutDuration and maxPwdAge', () => {
      assert.equal(adDurationToMs('-18000000000'), 30 * 60_000); // 30 minutes
      assert.equal(adDurationToMs('-36288000000000'), 42 * 24 * 3_600_000); // 42 days
    });

    it('reads 0 and -2^63 as "no limit"', () => {
      assert.equal(adDurationToMs('0'), undefined);
      assert.equal(adDurationToMs('-9223372036854775808'), undefined);
      assert.equal(adDurationToMs(undefined), undefined);
      assert.equal(adDurationToMs('never'), undefined);
    });
  });

  describe('generalizedTimeToDate', () => {
    it('parses AD whenCreated values', () => {
      assert.equal(generalizedTimeToDate('20261125021013.0Z')?.toISOString(), '2026-11-25T02:10:13.000Z');
      assert.equal(generalizedTimeToDate('20261125021013Z')?.toISOString(), '2026-11-25T02:10:13.000Z');
      assert.equal(generalizedTimeToDate('20261125021013.25Z')?.toISOString(), '2026-11-25T02:10:13.250Z');
    });

    it('applies an offset and accepts missing minutes/seconds', () => {
      assert.equal(generalizedTimeToDate('20261125101013+0200')?.toISOString(), '2026-11-25T08:10:13.000Z');
      assert.equal(generalizedTimeToDate('20261125101013-0130')?.toISOString(), '2026-11-25T11:40:13.000Z');
      assert.equal(generalizedTimeToDate('2026112510Z')?.toISOString(), '2026-11-25T10:00:00.000Z');
    });

    it('rejects malformed values', () => {
      for (const v of ['', '2026-11-25', '20261325000000Z', '20261100000000Z', 'x20261125021013Z', undefined]) {
        assert.equal(generalizedTimeToDate(v), undefined, String(v));
      }
    });
  });
});
