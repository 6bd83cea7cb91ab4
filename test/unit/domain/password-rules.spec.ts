// The password rules in words (the portal's reset page) and why a refused password was refused.
import assert from 'node:assert/strict';
import { passwordRulesText, refusalReason } from '../../../src/domain/password-rules';

const AD = { minLength: 7, complexity: true, history: 24 };

describe('password rules in words', () => {
  it('states the domain’s length, complexity and history, or says the directory decides', () => {
    assert.equal(passwordRulesText(AD), 'Your new password needs at least 7 characters; characters of three kinds out of upper case, lower case, digits and symbols; not your login or your name; not one of your last 24 passwords. The directory checks it when you save it.');
    assert.equal(passwordRulesText({ minLength: 8, complexity: false, history: 1 }), 'Your new password needs at least 8 characters; not your current password. The directory checks it when you save it.');
    assert.match(passwordRulesText(undefined), /the directory checks it/);
  });

  it('says why a password was refused, in the order the directory checks', () => {
    assert.equal(refusalReason('Ab1!', 'jdoe', AD), 'it is shorter than 7 characters.');
    assert.equal(refusalReason('alllowercase123', 'jdoe', AD), 'it needs characters of three kinds out of upper case, lower case, digits and symbols.');
    assert.equal(refusalReason('My-jdoe-Pass1', 'jdoe', AD), 'it contains your login.');
    assert.match(refusalReason('Correct-Horse-9', 'jdoe', AD), /one of your last 24 passwords/);
    assert.match(refusalReason('whatever', 'jdoe', undefined), /does not meet the policy/);
  });
});
