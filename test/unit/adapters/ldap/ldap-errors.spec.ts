import assert from 'node:assert/strict';
import {
  BusyError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  OperationsError,
  StrongAuthRequiredError,
} from 'ldapts';
import { isHelpdeskError } from '../../../../src/domain/errors';
import { adDataCode, DeadlineExceeded, toDirectoryError } from '../../../../src/adapters/ldap/ldap-errors';

const URL = 'ldaps://dc.example:636';
const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('toDirectoryError (ldapts / Node errors → DIR.* codes)', () => {
  it('maps bind refusals to DIR.BIND_FAILED with the AD reason', () => {
    const e = toDirectoryError(
      new InvalidCredentialsError('80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1'),
      'search',
      URL,
    );
    assert.equal(e.code, 'DIR.BIND_FAILED');
    assert.match(e.message, /locked out/);
    assert.equal(adDataCode('… error, data 52e, v1db1'), '52e');
  });

  it('maps TLS failures to DIR.TLS', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
      assert.equal(toDirectoryError(withCode(code), 'search', URL).code, 'DIR.TLS', code);
    }
    assert.equal(toDirectoryError(new StrongAuthRequiredError('Strong(er) authentication required'), 'search', URL).code, 'DIR.TLS');
  });

  it('maps transport failures and timeouts to DIR.UNAVAILABLE', () => {
    for (const e of [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('ETIMEDOUT'),
      withCode('ENOTFOUND'),
      new Error('Connection timeout'),
      new Error('SearchRequest: Operation timed out'),
      new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'),
      new DeadlineExceeded(5000),
      new BusyError('busy'),
    ]) {
      assert.equal(toDirectoryError(e, 'search', URL).code, 'DIR.UNAVAILABLE', e.message);
    }
  });

  it('maps rights and password refusals', () => {
    assert.equal(toDirectoryError(new InsufficientAccessError('00002098: no write property access'), 'unlock', URL).code, 'DIR.INSUFFICIENT_RIGHTS');
    const policy = toDirectoryError(
      new ConstraintViolationError('0000052D: Constraint violation - check_password_restrictions: the password is too short.'),
      'setPassword',
      URL,
    );
    assert.equal(policy.code, 'DIR.PASSWORD_POLICY');
    assert.match(policy.message, /too short/);
    assert.equal(toDirectoryError(new ConstraintViolationError('x'), 'unlock', URL).code, 'DIR.ERROR', 'only a password write is a policy refusal');
    assert.equal(toDirectoryError(new NoSuchObjectError('0000208D'), 'unlock', URL).code, 'DIR.USER_NOT_FOUND');
  });

  it('maps anything else to DIR.ERROR, keeping the cause, and passes coded errors through', () => {
    const raw = new OperationsError('weird');
    const e = toDirectoryError(raw, 'search', URL);
    assert.equal(e.code, 'DIR.ERROR');
    assert.equal(e.cause, raw);
    assert.ok(isHelpdeskError(e));
    assert.equal(toDirectoryError(e, 'search', URL), e);
    assert.equal(toDirectoryError('a string', 'search', URL).code, 'DIR.ERROR');
  });
});
