// Seals security answers before they reach the store and opens them for masking. The user's key is the
// associated data, so a sealed answer copied to another user's row does not open.
import type { SealedAnswer } from '../domain/portal';

export interface AnswerCipher {
  seal(user: string, answer: string): SealedAnswer;
  /** Throws when the answer was tampered with or sealed for another user or key. */
  open(user: string, sealed: SealedAnswer): string;
}
