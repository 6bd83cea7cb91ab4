// What the service tells the operator's metrics about each request it answers. The labels are the command
// word or button verb, the surface and the coded outcome: never who asked, about whom, or anything typed.
import type { ErrorCode } from '../domain/errors';
import type { Surface } from '../domain/roles';

export interface AnsweredRequest {
  /** A typed command or a button press. */
  readonly kind: 'command' | 'button';
  /** The command word (`user`, `reset`…) or the button verb (`confirm.accept`…): a closed set. */
  readonly name: string;
  readonly surface: Surface;
  /** 'refused' and 'failed' carry the coded reason. */
  readonly outcome: 'success' | 'refused' | 'failed';
  readonly code?: ErrorCode;
  readonly seconds: number;
}

export interface RequestMetrics {
  answered(request: AnsweredRequest): void;
}

export const noRequestMetrics: RequestMetrics = { answered() {} };
