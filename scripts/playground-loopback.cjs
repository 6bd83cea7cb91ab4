// Preloaded into Microsoft 365 Agents Playground by `npm run playground` (node --require): keeps it on this
// machine. Its page says who is typing (the mock user file) and it relays that to the bot from loopback, so
// whoever reaches the Playground is that helpdesk agent. Upstream it listens on every interface; here:
//   - its servers listen on 127.0.0.1 only;
//   - it answers only requests whose Host names loopback (a DNS-rebinding page cannot drive it);
//   - it opens no connection off loopback (telemetry or anything else): refused, and said once on stderr.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node --require), loaded before the Playground */
const net = require('node:net');
const http = require('node:http');

const LOCAL_HOST_HEADER = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;
const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|::ffff:127\.\d+\.\d+\.\d+)$/i;

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') args.unshift(0, '127.0.0.1');
  else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (typeof first === 'object' && first !== null && first.path === undefined && !first.handle && !first.fd) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, resOrSocket, ...rest) {
  if ((event === 'request' || event === 'upgrade') && !LOCAL_HOST_HEADER.test(req.headers.host ?? '')) {
    if (event === 'request') {
      resOrSocket.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      resOrSocket.end('The Playground only answers on this machine (http://localhost).');
    } else {
      resOrSocket.destroy();
    }
    return true;
  }
  return emit.call(this, event, req, resOrSocket, ...rest);
};

const refused = new Set();
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect passes its normalised [options, callback] array; a direct call passes (options|port, …).
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host =
    typeof options === 'object' && options !== null
      ? options.path === undefined ? String(options.host ?? 'localhost') : 'localhost'
      : typeof args[1] === 'string' ? args[1] : 'localhost';
  if (!LOOPBACK_HOST.test(host)) {
    if (!refused.has(host)) {
      refused.add(host);
      process.stderr.write(`playground-loopback: refused a connection to ${host} (the Playground stays on this machine)\n`);
    }
    const err = Object.assign(new Error(`connection to ${host} refused by playground-loopback`), { code: 'ECONNREFUSED' });
    setTimeout(() => this.destroy(err), 0);
    return this;
  }
  return connect.apply(this, args);
};
