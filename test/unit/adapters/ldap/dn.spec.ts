import assert from 'node:assert/strict';
import { DN } from 'ldapts';
import { firstRdnValue } from '../../../../src/adapters/ldap/dn';

describe('firstRdnValue (RFC 4514)', () => {
  it('reads the first RDN value', () => {
    assert.equal(firstRdnValue('CN=Mary Manager,CN=Users,DC=corp,DC=example,DC=test'), 'Mary Manager');
    assert.equal(firstRdnValue('cn=Solo'), 'Solo');
  });

  it('unescapes special characters and UTF-8 hex pairs', () => {
    assert.equal(firstRdnValue('CN=Doe\\, John,OU=x'), 'Doe, John');
    assert.equal(firstRdnValue("CN=Conor O'Brien,CN=Users"), "Conor O'Brien");
    assert.equal(firstRdnValue('CN=M\\C3\\BCller,CN=Users'), 'Müller');
    assert.equal(firstRdnValue('CN=Zoë Müller,CN=Users'), 'Zoë Müller');
    assert.equal(firstRdnValue('CN=a\\+b\\=c\\\\d\\#e,OU=x'), 'a+b=c\\d#e');
    assert.equal(firstRdnValue('CN=a+UID=b,OU=x'), 'a', 'stops at a multi-valued RDN');
  });

  it('round-trips what ldapts DN builds (escaped values)', () => {
    for (const name of ['Doe, John', 'a+b', 'x=y', '#hash', 'back\\slash', 'quote"d', '<angle>', 'semi;colon', 'Zoë']) {
      assert.equal(firstRdnValue(new DN({ CN: name }).toString()), name, name);
    }
  });

  it('gives undefined for malformed DNs', () => {
    assert.equal(firstRdnValue(''), undefined);
    assert.equal(firstRdnValue('no equals sign'), undefined);
    assert.equal(firstRdnValue('=x'), undefined);
    assert.equal(firstRdnValue('CN=,OU=x'), undefined);
    assert.equal(firstRdnValue('CN=trailing\\'), undefined);
  });
});
