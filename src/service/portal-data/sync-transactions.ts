// `sync <user> [failed]`: the user's sync transactions (operations against target systems), failures
// first and highlighted; `failed` shows only the failures.
import type { PortalEvent } from '../../domain/portal';
import { portalTarget } from './portal-target';
import { commandRoute, type UseCaseCall, type SyncRow, type SyncTransactionsView } from '../kernel';

export const SYNC_ROWS = 20;

function row(e: PortalEvent): SyncRow {
  return {
    at: e.at.toISOString(),
    system: e.system ?? 'unknown',
    ...(e.operation ? { operation: e.operation } : {}),
    status: e.status ?? (e.outcome === 'failure' ? 'failed' : 'succeeded'),
    ...(e.error ? { error: e.error } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
  };
}

export async function syncTransactions(call: UseCaseCall<'portalEvents'>, login: string, failedOnly: boolean): Promise<SyncTransactionsView> {
  const { env, subject } = call;
  const target = await portalTarget(call, login);
  const list = (failed: boolean, limit: number) => env.store.portalEvents.list({ user: target.key, category: 'sync', failed, limit });
  const failed = await list(true, SYNC_ROWS + 1);
  const others = failedOnly ? [] : await list(false, SYNC_ROWS + 1);
  const all = [...failed, ...others];
  const shown = all.slice(0, SYNC_ROWS);
  subject.detail = [subject.detail, `${shown.length} transactions${failedOnly ? ' (failed only)' : ''}`].filter(Boolean).join('; ');
  return {
    kind: 'sync-transactions',
    target: target.view,
    failedOnly,
    transactions: shown.map(row),
    failedCount: Math.min(failed.length, SYNC_ROWS),
    truncated: all.length > SYNC_ROWS,
  };
}

export const syncTransactionsRoutes = [
  commandRoute('sync', { action: 'sync.view', target: (c) => c.user, run: (call, c) => syncTransactions(call, c.user, c.failedOnly) }),
];
