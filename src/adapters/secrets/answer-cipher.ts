// AES-256-GCM for security answers: a fresh 12-byte nonce per answer, the user's key as associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedAnswer } from '../../domain/portal';
import type { AnswerCipher } from '../../ports/answer-cipher.port';

export function aesGcmAnswerCipher(key: Buffer): AnswerCipher {
  if (key.length !== 32) throw new RangeError('aesGcmAnswerCipher: the key must be 32 bytes');
  return {
    seal(user, answer) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(user, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(answer, 'utf8'), cipher.final()]);
      return { ciphertext, iv, tag: cipher.getAuthTag() };
    },
    open(user, sealed: SealedAnswer) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
      decipher.setAAD(Buffer.from(user, 'utf8'));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    },
  };
}
