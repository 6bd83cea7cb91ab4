// The server-side key (SECRETS_KEY) and the purpose-bound keys derived from it (HKDF), so one secret in
// the config never serves two purposes directly. In development, when SECRETS_KEY is unset, a key is
// generated once into the data folder (mode 0600) and reused.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type KeyPurpose = 'audit-chain' | 'pin-hmac' | 'answer-encryption' | 'portal-decoys' | 'portal-code-hmac' | 'portal-sms-numbers' | 'portal-csrf' | 'slack-response-url';

export function deriveKey(master: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `mypass-helpdesk/${purpose}`, 32));
}

export function loadOrCreateDevKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secrets.key');
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key; delete it to generate a new one`);
    return key;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
