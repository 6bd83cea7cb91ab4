// The address a portal event records and a rate limit counts: the peer, or behind trusted proxies the
// nearest hop they forwarded for — never a hop the client wrote into X-Forwarded-For itself.
import assert from 'node:assert/strict';
import { isAddressOrRange } from '../../../src/config/address-or-range';
import { clientAddress, trustedProxies } from '../../../src/http/client-address';

const req = (peer: string, forwarded?: string) => ({
  socket: { remoteAddress: peer } as never,
  headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
});

describe('clientAddress', () => {
  const proxies = trustedProxies(['10.0.0.2', '10.0.0.3']);

  it('is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    assert.equal(clientAddress(req('203.0.113.7', '198.51.100.1'), proxies), '203.0.113.7');
    assert.equal(clientAddress(req('::ffff:203.0.113.7'), trustedProxies([])), '203.0.113.7');
  });

  it('behind trusted proxies, is the nearest hop that is not one of them', () => {
    assert.equal(clientAddress(req('10.0.0.2', '198.51.100.1, 203.0.113.7, 10.0.0.3'), proxies), '203.0.113.7');
    assert.equal(clientAddress(req('::ffff:10.0.0.2', '2001:db8::5'), proxies), '2001:db8::5');
  });

  it('falls back to the peer when the header is missing, all trusted, or not an address', () => {
    assert.equal(clientAddress(req('10.0.0.2'), proxies), '10.0.0.2');
    assert.equal(clientAddress(req('10.0.0.2', '10.0.0.3'), proxies), '10.0.0.2');
    assert.equal(clientAddress(req('10.0.0.2', '<script>'), proxies), '10.0.0.2');
  });

  it('takes CIDR ranges (an ingress whose pods change address) and refuses anything else', () => {
    const ingress = trustedProxies(['10.244.0.0/16', 'fd00::/8']);
    assert.equal(clientAddress(req('10.244.3.7', '203.0.113.7, 10.244.1.2'), ingress), '203.0.113.7');
    assert.equal(clientAddress(req('fd00::5', '2001:db8::5'), ingress), '2001:db8::5');
    assert.equal(clientAddress(req('10.245.0.1', '203.0.113.7'), ingress), '10.245.0.1', 'outside the range: the peer');
    assert.deepEqual(['10.0.0.2', '10.0.0.0/8', '2001:db8::/32'].map(isAddressOrRange), [true, true, true]);
    assert.deepEqual(['proxy.corp.example', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/x'].map(isAddressOrRange), [false, false, false, false]);
  });
});
