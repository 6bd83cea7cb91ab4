// A loopback Twilio: the Messages resource as Twilio documents it. It checks what the official client
// sends (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To/From/Body, Basic auth with
// the account sid and auth token) and answers like Twilio: 201 with the message resource, or Twilio's
// error JSON. A test picks the next answer: ok, a 500, an invalid number (21211), an unverified sender
// (21608), or no answer at all (a timeout).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body';

export const TWILIO_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TWILIO_TOKEN = 'twilio-test-auth-token-0001';
export const TWILIO_FROM = '+15550100';

export interface TwilioMessage {
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly sid: string;
}

export type TwilioMode = 'ok' | 'server-error' | 'invalid-number' | 'unverified-sender' | 'hang';

export class TwilioFake {
  readonly messages: TwilioMessage[] = [];
  /** Requests refused because their shape or auth was wrong (a test asserts there are none). */
  readonly problems: string[] = [];
  /** Every request received, whatever the answer. */
  requests = 0;
  mode: TwilioMode = 'ok';
  private server?: Server;
  private seq = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('TwilioFake not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void (async () => {
        this.requests += 1;
        const body = await readBody(req);
        const answer = (status: number, json: object) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        const path = `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`;
        const expectedAuth = `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`;
        const problem = req.method !== 'POST' ? `method ${req.method}`
          : req.url !== path ? `path ${req.url}`
            : req.headers.authorization !== expectedAuth ? 'authorization'
              : !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? `content-type ${req.headers['content-type']}`
                : !/^twilio-node\//.test(req.headers['user-agent'] ?? '') ? 'user-agent' : undefined;
        if (problem) {
          this.problems.push(problem);
          answer(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
          return;
        }
        const form = new URLSearchParams(body);
        const to = form.get('To') ?? '';
        const from = form.get('From') ?? '';
        const text = form.get('Body') ?? '';
        if (!/^\+\d{6,15}$/.test(to) || from !== TWILIO_FROM || !text) {
          this.problems.push(`form ${[...form.keys()].join(',')}`);
          answer(400, { code: 21604, message: "A 'To' phone number is required.", more_info: 'https://www.twilio.com/docs/errors/21604', status: 400 });
          return;
        }
        switch (this.mode) {
          case 'hang':
            return; // never answers: the client's timeout fires
          case 'server-error':
            answer(500, { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
            return;
          case 'invalid-number':
            answer(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
            return;
          case 'unverified-sender':
            answer(400, { code: 21608, message: 'The number is unverified.', more_info: 'https://www.twilio.com/docs/errors/21608', status: 400 });
            return;
          case 'ok': {
            this.seq += 1;
            const sid = `SM${String(this.seq).padStart(32, '0')}`;
            this.messages.push({ to, from, body: text, sid });
            answer(201, {
              sid, account_sid: TWILIO_SID, to, from, body: text, status: 'queued', num_segments: '1', direction: 'outbound-api',
              date_created: new Date().toUTCString(), date_updated: new Date().toUTCString(), date_sent: null, price: null, error_code: null,
              error_message: null, api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${TWILIO_SID}/Messages/${sid}.json`,
            });
          }
        }
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
