// The schema, as an ordered list of migrations. Append new ones at the end; never edit an applied one.
// Dates are INTEGER epoch milliseconds everywhere. No column ever holds a plaintext PIN, password or
// security answer: PINs are HMACs, answers AES-256-GCM ciphertext with their IV and tag.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const HELPDESK_AUDIT = `
CREATE TABLE helpdesk_audit (
  seq            INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  correlation_id TEXT NOT NULL,
  surface        TEXT NOT NULL,
  actor          TEXT NOT NULL,
  role           TEXT NOT NULL,
  action         TEXT NOT NULL,
  target         TEXT,
  outcome        TEXT NOT NULL,
  code           TEXT,
  detail         TEXT,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL
);
CREATE INDEX helpdesk_audit_actor ON helpdesk_audit (actor);
CREATE INDEX helpdesk_audit_target ON helpdesk_audit (target);
-- Append-only. Triggers stop mistakes and casual edits through SQL; someone who can write the file can
-- drop them, which is what the hash chain and audit_head are for.
CREATE TRIGGER helpdesk_audit_no_update BEFORE UPDATE ON helpdesk_audit
BEGIN SELECT RAISE(ABORT, 'helpdesk_audit is append-only'); END;
CREATE TRIGGER helpdesk_audit_no_delete BEFORE DELETE ON helpdesk_audit
BEGIN SELECT RAISE(ABORT, 'helpdesk_audit is append-only'); END;

-- The chain's head (last seq and hash), MACed, written in the same transaction as each entry.
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL,
  mac  TEXT NOT NULL
);
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq <> OLD.seq + 1
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward by one'); END;
`;

const CONFIRMATIONS = `
CREATE TABLE confirmations (
  token_hash TEXT PRIMARY KEY,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
`;

// Portal data (filled by later issues). "user" is the lower-cased sAMAccountName or UPN.
const PORTAL = `
CREATE TABLE portal_accounts (
  user            TEXT PRIMARY KEY CHECK (user = lower(user)),
  enrolled        INTEGER NOT NULL DEFAULT 0 CHECK (enrolled IN (0, 1)),
  methods         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(methods)),
  locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  locked_at       INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL
);

CREATE TABLE enrollments (
  user              TEXT NOT NULL CHECK (user = lower(user)),
  position          INTEGER NOT NULL,
  question          TEXT NOT NULL,
  answer_ciphertext BLOB NOT NULL,
  answer_iv         BLOB NOT NULL CHECK (length(answer_iv) = 12),
  answer_tag        BLOB NOT NULL CHECK (length(answer_tag) = 16),
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (user, position)
);

CREATE TABLE portal_events (
  id         INTEGER PRIMARY KEY,
  user       TEXT NOT NULL CHECK (user = lower(user)),
  type       TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
  at         INTEGER NOT NULL,
  ip         TEXT,
  user_agent TEXT,
  detail     TEXT,
  category   TEXT NOT NULL DEFAULT 'self-service' CHECK (category IN ('self-service', 'sync')),
  system     TEXT,
  operation  TEXT,
  status     TEXT CHECK (status IS NULL OR status IN ('succeeded', 'failed', 'pending')),
  error      TEXT
);
-- \`audit <user>\` (newest first, optionally since a date) and \`sync <user>\` (category = 'sync').
CREATE INDEX portal_events_user_at ON portal_events (user, at DESC);
CREATE INDEX portal_events_user_category_at ON portal_events (user, category, at DESC);

CREATE TABLE pins (
  user         TEXT PRIMARY KEY CHECK (user = lower(user)),
  pin_hmac     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  failed_tries INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT NOT NULL
);

CREATE TABLE approvals (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  requester  TEXT NOT NULL,
  target     TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
  decided_by TEXT,
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  expires_at INTEGER NOT NULL
);

CREATE TABLE tickets (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  external_id TEXT,
  url         TEXT,
  target      TEXT,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
`;

// ping() writes here to prove the store is writable without touching real data.
const HEARTBEAT = `
CREATE TABLE store_heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
`;

// Shared-conversation requests (the card everyone sees carries only the id) and references to shown
// one-time secrets (never the secret). Both are short-lived and purged on use.
const SHARED_REQUESTS_AND_SHOWN_SECRETS = `
CREATE TABLE shared_requests (
  id                 TEXT PRIMARY KEY,
  command            TEXT NOT NULL CHECK (json_valid(command)),
  asker_login        TEXT NOT NULL,
  asker_chat_user_id TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL
);
CREATE INDEX shared_requests_expires_at ON shared_requests (expires_at);

CREATE TABLE shown_secrets (
  ref         TEXT PRIMARY KEY,
  viewer      TEXT NOT NULL,
  target      TEXT NOT NULL,
  target_name TEXT NOT NULL,
  label       TEXT NOT NULL,
  shown_at    INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX shown_secrets_expires_at ON shown_secrets (expires_at);
`;

// Account changes (unlock, reset, PIN) counted against LIMIT_AGENT_PER_HOUR / LIMIT_TARGET_PER_HOUR: a
// row is reserved before the directory is touched and removed again if the change fails, so the count is
// "completed or in progress" and survives a restart. Only the last window's rows are kept. The index on
// confirmations.expires_at lets the purge of expired tokens find them without a scan.
const CHANGE_LIMITS = `
CREATE TABLE account_changes (
  id     TEXT PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT NOT NULL CHECK (actor = lower(actor)),
  target TEXT NOT NULL CHECK (target = lower(target)),
  action TEXT NOT NULL
);
CREATE INDEX account_changes_actor_at ON account_changes (actor, at);
CREATE INDEX account_changes_target_at ON account_changes (target, at);
CREATE INDEX account_changes_at ON account_changes (at);
CREATE INDEX confirmations_expires_at ON confirmations (expires_at);
`;

// Portal API intake: the sender's event id (a retried batch stores each once), the "user unknown to the
// directory" flag, and the indexes behind `audit … type=T`, the cursor, and locks per IP address.
const PORTAL_INTAKE = `
ALTER TABLE portal_events ADD COLUMN event_id TEXT;
ALTER TABLE portal_events ADD COLUMN unknown_user INTEGER NOT NULL DEFAULT 0 CHECK (unknown_user IN (0, 1));
CREATE UNIQUE INDEX portal_events_event_id ON portal_events (event_id) WHERE event_id IS NOT NULL;
DROP INDEX portal_events_user_at;
CREATE INDEX portal_events_user_at ON portal_events (user, at DESC, id DESC);
CREATE INDEX portal_events_user_type_at ON portal_events (user, type, at DESC, id DESC);
CREATE INDEX portal_events_ip_type_at ON portal_events (ip, type, at) WHERE ip IS NOT NULL;
-- "an address or client never seen for this user in 90 days" (vishing indicators).
CREATE INDEX portal_events_user_ip_at ON portal_events (user, ip, at) WHERE ip IS NOT NULL;
CREATE INDEX portal_events_user_agent_at ON portal_events (user, user_agent, at) WHERE user_agent IS NOT NULL;
`;

// Helpdesk PINs and caller verification codes (issue 9): verification codes keep the pins table's shape
// (only an HMAC of the code); approvals get who asked from which chat account, the names their card
// shows, and where their cards were posted (to update them when the request is decided).
const PINS_CODES_APPROVALS = `
CREATE TABLE verification_codes (
  user         TEXT PRIMARY KEY CHECK (user = lower(user)),
  pin_hmac     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  failed_tries INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT NOT NULL
);
ALTER TABLE approvals ADD COLUMN requester_chat_user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN requester_name TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN target_name TEXT NOT NULL DEFAULT '';
ALTER TABLE approvals ADD COLUMN decided_by_name TEXT;
ALTER TABLE approvals ADD COLUMN posts TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(posts));
ALTER TABLE approvals ADD COLUMN shown_at INTEGER;
CREATE INDEX approvals_expires_at ON approvals (expires_at);
`;

// Escalation tickets (issue 11): one pending or open ticket per user and ticket system (the partial unique
// index), its reference (also kept in the ticket system), the draft a background retry sends, and the
// comments still to post. No column holds a secret: the texts are built without them.
const ESCALATION_TICKETS = `
CREATE TABLE escalation_tickets (
  ref             TEXT PRIMARY KEY,
  user            TEXT NOT NULL CHECK (user = lower(user)),
  sink            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'open', 'closed', 'failed')),
  ticket_id       TEXT,
  ticket_label    TEXT,
  ticket_url      TEXT,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  requestor       TEXT,
  reason_key      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT
);
CREATE UNIQUE INDEX escalation_tickets_active ON escalation_tickets (user, sink) WHERE state IN ('pending', 'open');
CREATE INDEX escalation_tickets_due ON escalation_tickets (next_attempt_at) WHERE state = 'pending';
CREATE TABLE escalation_comments (
  id         INTEGER PRIMARY KEY,
  ref        TEXT NOT NULL REFERENCES escalation_tickets (ref),
  text       TEXT NOT NULL,
  reason_key TEXT,
  created_at INTEGER NOT NULL,
  sent_at    INTEGER
);
CREATE INDEX escalation_comments_unsent ON escalation_comments (ref) WHERE sent_at IS NULL;
`;

// The self-service portal's sessions (issue 10): the SHA-256 of the cookie's token, the CSRF token, the
// state between pages (never a secret), for the idle and absolute lifetimes.
const PORTAL_SESSIONS = `
CREATE TABLE portal_sessions (
  id_hash    TEXT PRIMARY KEY,
  csrf       TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (json_valid(state)),
  created_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
);
CREATE INDEX portal_sessions_seen_at ON portal_sessions (seen_at);
`;

// The portal's SMS codes (issue 10): sign-in codes and mobile-registration codes, the same shape as pins
// (HMACs only), and the mobile each user registered, sealed like an answer (AES-256-GCM, the user as AAD).
const PORTAL_SMS = `
CREATE TABLE portal_codes (
  user         TEXT PRIMARY KEY CHECK (user = lower(user)),
  pin_hmac     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  failed_tries INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT NOT NULL
);
CREATE TABLE portal_mobiles (
  user              TEXT PRIMARY KEY CHECK (user = lower(user)),
  number_ciphertext BLOB NOT NULL,
  number_iv         BLOB NOT NULL,
  number_tag        BLOB NOT NULL,
  registered_at     INTEGER NOT NULL
);
`;

// The portal lock as one atomic step per attempt (issue 16): per key (a known account, or a canonical
// unknown login) its current count (epoch), the failures and the attempts being judged (pending) in it,
// and when it locked. portal_accounts' locked, locked_at and failed_attempts are read no more: their
// values move here.
const PORTAL_ATTEMPTS = `
CREATE TABLE portal_attempts (
  key        TEXT PRIMARY KEY CHECK (key = lower(key)),
  epoch      INTEGER NOT NULL DEFAULT 0,
  failures   INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  pending    INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0),
  locked_at  INTEGER,
  updated_at INTEGER NOT NULL
);
INSERT INTO portal_attempts (key, failures, locked_at, updated_at)
  SELECT user, failed_attempts, CASE WHEN locked = 1 THEN coalesce(locked_at, updated_at) END, updated_at
  FROM portal_accounts WHERE locked = 1 OR failed_attempts > 0;
`;

// Uses counted in a sliding window (issue 16): texts per account, per number and in total, challenge
// attempts per login. One row per place in use; (key, place) unique is what makes a claim exactly once.
const QUOTAS = `
CREATE TABLE quota_places (
  key        TEXT NOT NULL,
  place      INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, place)
);
CREATE INDEX quota_places_expires_at ON quota_places (expires_at);
`;

// The vishing indicators (issue 16): each reads its own window with its own index, whatever else was written.
// Every event gets its arrival time (existing ones: their own time) and a mark when its own time lies far
// from it; "seen before" reads only successful, unmarked events by arrival, and floods are counted by arrival.
const PORTAL_EVENT_ARRIVAL = `
ALTER TABLE portal_events ADD COLUMN arrived_at INTEGER;
UPDATE portal_events SET arrived_at = at;
ALTER TABLE portal_events ADD COLUMN skewed INTEGER NOT NULL DEFAULT 0 CHECK (skewed IN (0, 1));
DROP INDEX portal_events_user_ip_at;
DROP INDEX portal_events_user_agent_at;
CREATE INDEX portal_events_user_type_outcome_at ON portal_events (user, type, outcome, at DESC, id DESC);
CREATE INDEX portal_events_user_arrived_at ON portal_events (user, arrived_at);
CREATE INDEX portal_events_seen_ip ON portal_events (user, ip, type, arrived_at)
  WHERE outcome = 'success' AND skewed = 0 AND ip IS NOT NULL;
CREATE INDEX portal_events_seen_agent ON portal_events (user, user_agent, type, arrived_at)
  WHERE outcome = 'success' AND skewed = 0 AND user_agent IS NOT NULL;
`;

// Issued secrets (PINs, passes, verification codes) have their own per-target limit: each row says which
// kind it is, and the counts are per kind. Rows written before this counted PINs and passes as changes.
const CHANGE_KINDS = `
ALTER TABLE account_changes ADD COLUMN kind TEXT NOT NULL DEFAULT 'change' CHECK (kind IN ('change', 'secret'));
UPDATE account_changes SET kind = 'secret' WHERE action IN ('pin.sms', 'pin.view', 'tap.sms', 'tap.view', 'verify.send');
DROP INDEX account_changes_actor_at;
CREATE INDEX account_changes_kind_actor_at ON account_changes (kind, actor, at);
CREATE INDEX account_changes_kind_target_at ON account_changes (kind, target, at);
`;

// `locked` lists the portal's locks newest first: an index on the lock time (only locked keys are in it).
const PORTAL_LOCKS_BY_TIME = `
CREATE INDEX portal_attempts_locked_at ON portal_attempts (locked_at) WHERE locked_at IS NOT NULL;
`;

// Alerts to the supervisors, sent once across replicas: the claim of an alert's key (kind, subject, window).
const ALERT_CLAIMS = `
CREATE TABLE alert_claims (
  key TEXT PRIMARY KEY,
  claimed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX alert_claims_expires_at ON alert_claims (expires_at);
`;

// Work the chat surfaces owe later (hides, approval copies, ticket messages), done once by any replica, and
// the leases that say which replica is doing a piece of work (pending-work.port.ts).
const PENDING_WORK = `
CREATE TABLE pending_work (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  grp TEXT NOT NULL,
  due_at INTEGER,
  payload TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX pending_work_due ON pending_work (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX pending_work_grp ON pending_work (grp, seq);
CREATE INDEX pending_work_expires_at ON pending_work (expires_at);
CREATE TABLE work_leases (
  key TEXT PRIMARY KEY,
  until INTEGER NOT NULL
);
CREATE INDEX work_leases_until ON work_leases (until);
`;

// Reservations with a lease (issue 19): a change whose process died mid-action is given back by a sweep once
// its lease ends. Its outcome (done, or expired by the sweep) is claimed once by the primary key.
const CHANGE_LEASES = `
ALTER TABLE account_changes ADD COLUMN lease_until INTEGER;
CREATE INDEX account_changes_lease_until ON account_changes (lease_until) WHERE lease_until IS NOT NULL;
CREATE TABLE account_change_outcomes (
  id      TEXT PRIMARY KEY,
  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'expired')),
  at      INTEGER NOT NULL
);
CREATE INDEX account_change_outcomes_at ON account_change_outcomes (at);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: HELPDESK_AUDIT + CONFIRMATIONS + PORTAL + HEARTBEAT },
  { version: 2, name: 'shared requests and shown secrets', sql: SHARED_REQUESTS_AND_SHOWN_SECRETS },
  { version: 3, name: 'account change limits and confirmation expiry index', sql: CHANGE_LIMITS },
  { version: 4, name: 'portal intake: event ids, unknown users, event indexes', sql: PORTAL_INTAKE },
  { version: 5, name: 'helpdesk PINs: verification codes, approval details', sql: PINS_CODES_APPROVALS },
  { version: 6, name: 'escalation tickets and their pending comments', sql: ESCALATION_TICKETS },
  { version: 7, name: 'self-service portal sessions', sql: PORTAL_SESSIONS },
  { version: 8, name: 'self-service portal SMS codes and registered mobiles', sql: PORTAL_SMS },
  { version: 9, name: 'portal lock: challenge attempts per key', sql: PORTAL_ATTEMPTS },
  { version: 10, name: 'quotas: texts and challenge attempts in the store', sql: QUOTAS },
  { version: 11, name: 'portal events: arrival time, skew mark, one index per vishing indicator', sql: PORTAL_EVENT_ARRIVAL },
  // 12 was withdrawn before any release: the portal's password binds are quota uses (service/self-service/password-binds.ts).
  { version: 13, name: 'account changes: real changes and issued secrets counted apart', sql: CHANGE_KINDS },
  { version: 14, name: 'portal locks by time (the locked command)', sql: PORTAL_LOCKS_BY_TIME },
  { version: 15, name: 'alert claims: each alert sent once across replicas', sql: ALERT_CLAIMS },
  { version: 16, name: 'pending chat work and work leases: done once by any replica', sql: PENDING_WORK },
  { version: 17, name: 'account changes: reservations with a lease, outcomes claimed once', sql: CHANGE_LEASES },
];

