/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's schema, one text per store (what the columns mean is the
 * opening comment of dx-ledger.c). The two say the same in two dialects:
 * SQLite's INTEGER and BLOB are PostgreSQL's BIGINT and BYTEA, and a
 * trigger that refuses a change is RAISE(ABORT) in SQLite and a PL/pgSQL
 * function in PostgreSQL, which also refuses TRUNCATE (SQLite has none).
 * The CHECK on kind, the partial indexes and the column order (which the
 * hash covers) are the same in both.
 */
#include "ledger/dx-ledger-impl-private.h"

/* The partial indexes serve, in turn: the round getters; load_prior and
 * get_charged_fen (their queries repeat an index's WHERE terms verbatim,
 * which is how SQLite knows it may use a partial index, and read in seq
 * order, which the index gives for free: rowid is its last column; an
 * ORDER BY it cannot serve would copy every body into a sorter); and
 * revoke's "which grants of this app are already revoked". Decisions
 * entries are few (one per LEDGER_CHUNK decisions), so revoke reads them
 * all. */
#define LEDGER_ENTRIES_TABLE(name) \
    "CREATE TABLE " name " (" \
    " seq INTEGER PRIMARY KEY,"        /* 1, 2, 3, ... */ \
    " round_id INTEGER NOT NULL,"      /* seq of the round's (payment run's) header; a revoke: the revoked grant's round */ \
    " kind TEXT NOT NULL CHECK (kind IN ('round', 'decisions', 'revoke', 'payrun', 'payments', 'clawback', 'review', 'refund'))," \
    " ref_seq INTEGER NOT NULL,"       /* revoke, refund: the decisions entry holding the grant; else 0 */ \
    " ref_index INTEGER NOT NULL,"     /* revoke, refund: the grant's place in that entry, from 0; else 0 */ \
    " fund_id TEXT NOT NULL," \
    " created_at TEXT NOT NULL,"       /* ISO-8601 UTC, when the entry was written */ \
    " approval_date TEXT NOT NULL,"    /* payrun, payments: the run's date; clawback, review, refund: D */ \
    " app_id TEXT NOT NULL," \
    " enterprise_id TEXT NOT NULL," \
    " policy_id TEXT NOT NULL," \
    " bureau TEXT NOT NULL," \
    " envelope TEXT NOT NULL," \
    " group_key TEXT NOT NULL," \
    " award_fen INTEGER NOT NULL,"     /* decisions: their sum; revoke: the award reversed; payrun, payments: paid; clawback, review: refund due; refund: received */ \
    " granted_fen INTEGER NOT NULL,"   /* round, decisions: their total; revoke: the amount returned; payrun, payments: forfeited; clawback, review: cancelled */ \
    " detail TEXT NOT NULL,"           /* round: params JSON; revoke: the reason; payrun, clawback, review: totals JSON; refund: reference */ \
    " ruleset_sha256 TEXT NOT NULL," \
    " input_sha256 TEXT NOT NULL,"     /* payrun: the checks file's, "" without one */ \
    " n_decisions INTEGER NOT NULL,"   /* round: the round's; decisions: the entry's; payrun, payments: records */ \
    " prev_hash TEXT NOT NULL," \
    " hash TEXT NOT NULL," \
    " body BLOB NOT NULL);"            /* decisions, payments: the encoded records; else empty */

#define LEDGER_ENTRIES_GUARDS \
    "CREATE INDEX entries_rounds ON entries (seq) WHERE kind = 'round';" \
    "CREATE INDEX entries_grants ON entries (fund_id, kind) WHERE kind <> 'round' AND granted_fen > 0;" \
    "CREATE INDEX entries_revoked ON entries (app_id) WHERE kind = 'revoke';" \
    "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries" \
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;" \
    "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries" \
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"

#define LEDGER_META_GUARD \
    "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta" \
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;"

static const char sqlite_schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('format', '" LEDGER_FORMAT "'), ('version', '" G_STRINGIFY(LEDGER_VERSION) "');"
    LEDGER_ENTRIES_TABLE("entries")
    LEDGER_ENTRIES_GUARDS
    LEDGER_META_GUARD
    "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;";

/* Version 3 to 4: the kinds of a payment run, a claw-back, a review and a
 * refund receipt join the CHECK on kind, which
 * SQLite can only change by copying the table. The rows are copied as
 * they are, so every hash still holds. */
const char dx_ledger_migrate_3_sql[] =
    "DROP TRIGGER meta_no_update;"
    "UPDATE meta SET value = '4' WHERE key = 'version';"
    LEDGER_META_GUARD
    LEDGER_ENTRIES_TABLE("entries_v4")
    "INSERT INTO entries_v4 SELECT * FROM entries;"
    "DROP TABLE entries;"
    "ALTER TABLE entries_v4 RENAME TO entries;"
    LEDGER_ENTRIES_GUARDS;

#define PG_ENTRIES_TABLE \
    "CREATE TABLE entries (" \
    " seq BIGINT PRIMARY KEY," \
    " round_id BIGINT NOT NULL," \
    " kind TEXT NOT NULL CHECK (kind IN ('round', 'decisions', 'revoke', 'payrun', 'payments', 'clawback', 'review', 'refund'))," \
    " ref_seq BIGINT NOT NULL," \
    " ref_index BIGINT NOT NULL," \
    " fund_id TEXT NOT NULL," \
    " created_at TEXT NOT NULL," \
    " approval_date TEXT NOT NULL," \
    " app_id TEXT NOT NULL," \
    " enterprise_id TEXT NOT NULL," \
    " policy_id TEXT NOT NULL," \
    " bureau TEXT NOT NULL," \
    " envelope TEXT NOT NULL," \
    " group_key TEXT NOT NULL," \
    " award_fen BIGINT NOT NULL," \
    " granted_fen BIGINT NOT NULL," \
    " detail TEXT NOT NULL," \
    " ruleset_sha256 TEXT NOT NULL," \
    " input_sha256 TEXT NOT NULL," \
    " n_decisions BIGINT NOT NULL," \
    " prev_hash TEXT NOT NULL," \
    " hash TEXT NOT NULL," \
    " body BYTEA NOT NULL);"

/* TG_ARGV[0] is the message, as RAISE(ABORT, ...) has it in SQLite. */
static const char pg_schema_sql[] =
    "CREATE FUNCTION duixian_refuse() RETURNS trigger LANGUAGE plpgsql AS"
    " 'BEGIN RAISE EXCEPTION ''%'', TG_ARGV[0]; END';"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('format', '" LEDGER_FORMAT "'), ('version', '" G_STRINGIFY(LEDGER_VERSION) "');"
    PG_ENTRIES_TABLE
    "CREATE INDEX entries_rounds ON entries (seq) WHERE kind = 'round';"
    "CREATE INDEX entries_grants ON entries (fund_id, kind) WHERE kind <> 'round' AND granted_fen > 0;"
    "CREATE INDEX entries_revoked ON entries (app_id) WHERE kind = 'revoke';"
    "CREATE TRIGGER entries_no_update BEFORE UPDATE OR DELETE ON entries FOR EACH ROW"
    " EXECUTE FUNCTION duixian_refuse('ledger entries are append-only');"
    "CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT"
    " EXECUTE FUNCTION duixian_refuse('ledger entries are append-only');"
    "CREATE TRIGGER meta_no_update BEFORE UPDATE OR DELETE ON meta FOR EACH ROW"
    " EXECUTE FUNCTION duixian_refuse('ledger meta is read-only');"
    "CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON meta FOR EACH STATEMENT"
    " EXECUTE FUNCTION duixian_refuse('ledger meta is read-only');";

const char *
dx_ledger_schema_sql(DxStoreKind kind)
{
    return kind == DX_STORE_POSTGRESQL ? pg_schema_sql : sqlite_schema_sql;
}
