// Readiness as the service reports it and /readyz answers it. A domain type, so that the HTTP server
// reads the report without importing the service.

/**
 * The audit chain verified (once per process); 'broken' makes the process not ready. 'skipped': another
 * replica claimed the start-up verification within the window (AUDIT_VERIFY_WINDOW_MINUTES); ready.
 */
export type AuditStatus = 'ok' | 'broken' | 'skipped';

export interface HealthReport {
  readonly directory: 'ok' | 'down';
  readonly store: 'ok' | 'down';
  readonly audit: AuditStatus;
}
