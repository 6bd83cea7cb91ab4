import assert from 'node:assert/strict';
import { generatePassword } from '../../../src/domain/password-policy';

describe('generatePassword', () => {
  it('always has every class, the asked length and no look-alike characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const p = generatePassword({ length: 16 });
      assert.match(p, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[!#$%&*+\-=?@^_]).{16}$/);
      assert.doesNotMatch(p, /[Il1O0o]/);
      seen.add(p);
    }
    assert.equal(seen.size, 500, 'no repeats');
    assert.equal(generatePassword({ length: 40 }).length, 40);
    assert.throws(() => generatePassword({ length: 6 }), RangeError);
  });
});
