import assert from 'node:assert/strict';
import {
  generatePassword, inGroupsOfFour, PASSWORD_ALPHABET, PASSWORD_CLASSES, passwordEntropyBits,
} from '../../../src/domain/password-policy';

describe('generatePassword', () => {
  it('always has every class (upper, lower, digit) and the asked length', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const p = generatePassword({ length: 16 });
      assert.match(p, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z0-9]{16}$/);
      for (const c of PASSWORD_CLASSES) assert.ok([...p].some((ch) => c.includes(ch)), `${p} misses a class`);
      seen.add(p);
    }
    assert.equal(seen.size, 2000, 'no repeats');
    assert.equal(generatePassword({ length: 40 }).length, 40);
    assert.throws(() => generatePassword({ length: 6 }), RangeError);
  });

  it('uses only characters easy to dictate: no look-alikes, no symbols', () => {
    for (const ch of '0Oo1lI5S2Z8B') assert.ok(!PASSWORD_ALPHABET.includes(ch), `look-alike ${ch} in the alphabet`);
    assert.match(PASSWORD_ALPHABET, /^[A-Za-z0-9]+$/);
    assert.equal(new Set(PASSWORD_ALPHABET).size, PASSWORD_ALPHABET.length, 'no character twice');
    const used = new Set<string>();
    for (let i = 0; i < 500; i++) for (const ch of generatePassword({ length: 16 })) used.add(ch);
    assert.deepEqual([...used].filter((ch) => !PASSWORD_ALPHABET.includes(ch)), []);
    assert.equal(used.size, PASSWORD_ALPHABET.length, 'every character of the alphabet is drawn');
  });

  it('16 characters carry about 90 bits (every class present)', () => {
    assert.equal(PASSWORD_ALPHABET.length, 50);
    const bits = passwordEntropyBits(16);
    assert.ok(bits > 89.5 && bits <= 16 * Math.log2(50), `${bits} bits`);
  });

  it('is shown in groups of four', () => {
    assert.equal(inGroupsOfFour('AbCd3eFgHj4kMn6p'), 'AbCd 3eFg Hj4k Mn6p');
    assert.equal(inGroupsOfFour('12345678'), '1234 5678');
    assert.equal(inGroupsOfFour('AbCdE'), 'AbCd E');
  });
});
