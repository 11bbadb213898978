/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxLedger (dx-ledger.h, dx-ledger-private.h): one SQLite file holding an
 * append-only table of entries (round headers, decisions, revocations)
 * and a meta table naming the format and schema version.
 *
 * Invariant: entry seq runs 1, 2, 3, ... without gaps, and each entry's
 * hash is the SHA-256 of the canonical form of every other column of its
 * row (prev_hash included), prev_hash being the previous entry's hash (64
 * zeros for entry 1). The canonical form (ledger_canon_*) is:
 *
 *   "duixian-ledger/1\n" then, for each column in ledger_columns order,
 *   <tag><decimal byte length>":"<bytes>
 *
 * with tag 'i' (integer, bytes = its decimal form), 't' (text, its UTF-8
 * bytes), 'f' (real, "%.17g"), 'b' (blob) or 'n' (NULL, length 0). The
 * length prefix makes the form unambiguous; the tag makes a change of
 * storage type alone (text "5" for integer 5, a blob with a text's bytes)
 * an edit verify sees. We only ever write integers and text, so 'f', 'b'
 * and 'n' exist to hash what someone else put there.
 *
 * Triggers make UPDATE and DELETE fail, but the hash chain is the real
 * guard: dx_ledger_verify() recomputes it from the stored columns, so an
 * edit made with the triggers dropped is found too. Cutting entries off
 * the end is not detectable from inside the file; that is what the head
 * hash recorded elsewhere is for.
 *
 * Concurrency is SQLite's: a round and a revocation run inside BEGIN
 * IMMEDIATE, so a second writer waits (busy timeout) for the first to
 * commit and then reads what it wrote. This file does not cache anything
 * that lives in the database across transactions.
 */
#include "duixian/dx-ledger.h"
#include "duixian/dx-error.h"
#include "dx-ledger-private.h"

#include <sqlite3.h>
#include <string.h>

#define LEDGER_FORMAT "duixian-ledger"
#define LEDGER_VERSION 1
#define LEDGER_HASH_DOMAIN "duixian-ledger/1\n"
#define LEDGER_BUSY_TIMEOUT_MS 30000
#define LEDGER_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* ORDER LedgerColumn: ledger_columns[] and the CREATE TABLE below list the
 * columns in this order, and the canonical form hashes them in it. */
typedef enum {
    COL_SEQ,
    COL_ROUND_ID,
    COL_KIND,
    COL_REF_SEQ,
    COL_FUND_ID,
    COL_CREATED_AT,
    COL_APPROVAL_DATE,
    COL_APP_ID,
    COL_ENTERPRISE_ID,
    COL_POLICY_ID,
    COL_BUREAU,
    COL_ENVELOPE,
    COL_GROUP_KEY,
    COL_STATUS,
    COL_REASONS,
    COL_AWARD_FEN,
    COL_GRANTED_FEN,
    COL_SCHEDULE,
    COL_DETAIL,
    COL_RULESET_SHA256,
    COL_INPUT_SHA256,
    COL_N_DECISIONS,
    COL_PREV_HASH,
    COL_HASH,          /* not hashed: it is the hash */
    N_COLS
} LedgerColumn;

static const char *const ledger_columns[N_COLS] = {
    "seq", "round_id", "kind", "ref_seq", "fund_id", "created_at", "approval_date", "app_id",
    "enterprise_id", "policy_id", "bureau", "envelope", "group_key", "status", "reasons",
    "award_fen", "granted_fen", "schedule", "detail", "ruleset_sha256", "input_sha256",
    "n_decisions", "prev_hash", "hash",
};

/* The partial indexes serve, in turn: the round getters; load_prior and
 * get_charged_fen (their queries repeat the index's WHERE terms verbatim,
 * which is how SQLite knows it may use a partial index); revoke's lookup
 * of an app's grants; and "is this grant already revoked". Only granted
 * decisions enter the big ones, which keeps a million-row round cheap. */
static const char ledger_schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('format', '" LEDGER_FORMAT "'), ('version', '1');"
    "CREATE TABLE entries ("
    " seq INTEGER PRIMARY KEY,"        /* 1, 2, 3, ... */
    " round_id INTEGER NOT NULL,"      /* seq of the round's header; a revoke: the revoked grant's round */
    " kind TEXT NOT NULL CHECK (kind IN ('round', 'decision', 'revoke')),"
    " ref_seq INTEGER NOT NULL,"       /* revoke: seq of the decision it reverses; else 0 */
    " fund_id TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"       /* ISO-8601 UTC, when the entry was written */
    " approval_date TEXT NOT NULL,"
    " app_id TEXT NOT NULL,"
    " enterprise_id TEXT NOT NULL,"
    " policy_id TEXT NOT NULL,"
    " bureau TEXT NOT NULL,"
    " envelope TEXT NOT NULL,"
    " group_key TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " reasons TEXT NOT NULL,"
    " award_fen INTEGER NOT NULL,"
    " granted_fen INTEGER NOT NULL,"   /* round: the round's total; revoke: the amount returned */
    " schedule TEXT NOT NULL,"
    " detail TEXT NOT NULL,"           /* round: params JSON; revoke: the reason */
    " ruleset_sha256 TEXT NOT NULL,"
    " input_sha256 TEXT NOT NULL,"
    " n_decisions INTEGER NOT NULL,"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE INDEX entries_rounds ON entries (seq) WHERE kind = 'round';"
    "CREATE INDEX entries_grants ON entries (fund_id, envelope) WHERE kind <> 'round' AND granted_fen > 0;"
    "CREATE INDEX entries_grant_apps ON entries (app_id) WHERE kind = 'decision' AND granted_fen > 0;"
    "CREATE INDEX entries_revoked ON entries (ref_seq) WHERE kind = 'revoke';"
    "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
    "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
    "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;"
    "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;";

/* The values of one entry to append; strings are borrowed. */
typedef struct {
    gint64 round_id;
    const char *kind;
    gint64 ref_seq;
    const char *fund_id, *created_at, *approval_date;
    const char *app_id, *enterprise_id, *policy_id, *bureau, *envelope, *group_key;
    const char *status, *reasons;
    gint64 award_fen, granted_fen;
    const char *schedule, *detail, *ruleset_sha256, *input_sha256;
    gint64 n_decisions;
} LedgerEntry;

struct _DxLedger {
    sqlite3 *db;
    char *name;                /* the path for messages */
    gboolean readonly;
    sqlite3_stmt *insert;      /* (owned) prepared once, reused by every append; NULL when read-only */
    GString *canon;            /* scratch for the canonical form, reused per entry */
    GChecksum *sha;            /* reused per entry */

    /* The chain's end, read after taking the write lock (ledger_load_head)
     * and advanced by each append; meaningless outside a transaction. */
    gint64 head_seq;
    char head_hash[65];

    /* The round being written, between begin_round and commit/abort. */
    gboolean in_round;
    gboolean round_failed;     /* an append failed: the round must not commit */
    gint64 round_id;           /* 0 until add_round */
    char *round_fund_id, *round_approval_date, *round_created_at;
    uint64_t round_declared_n, round_n;
    int64_t round_declared_granted, round_granted;
};

/* ---------------------------------------------------------------- helpers */

static gboolean
ledger_fail(DxLedger *self, GError **error, const char *what)
{
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: %s: %s", self->name, what, sqlite3_errmsg(self->db));
    return FALSE;
}

static gboolean
ledger_exec(DxLedger *self, const char *sql, const char *what, GError **error)
{
    if (sqlite3_exec(self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return ledger_fail(self, error, what);
    return TRUE;
}

static sqlite3_stmt *
ledger_prepare(DxLedger *self, const char *sql, GError **error)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK) {
        ledger_fail(self, error, "cannot read the ledger");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* For the getters, which have no GError: a read that fails there means the
 * file went bad or stayed locked past the busy timeout. */
static sqlite3_stmt *
ledger_prepare_or_warn(DxLedger *self, const char *sql)
{
    g_autoptr(GError) local = NULL;
    sqlite3_stmt *st = ledger_prepare(self, sql, &local);

    if (st == NULL)
        g_warning("%s", local->message);
    return st;
}

/* Leaves the transaction, if any, without reporting: used on paths that
 * already have an error to report. */
static void
ledger_rollback(DxLedger *self)
{
    if (!sqlite3_get_autocommit(self->db))
        sqlite3_exec(self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Decimal digits of @v into @buf (at least 20 bytes, not terminated). */
static gsize
ledger_format_u64(char *buf, guint64 v)
{
    char tmp[24];
    gsize n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (gsize i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* As ledger_format_u64, with a '-' for negatives (at least 21 bytes). */
static gsize
ledger_format_i64(char *buf, gint64 v)
{
    if (v < 0) {
        buf[0] = '-';
        /* via unsigned so that G_MININT64 negates without overflow */
        return 1 + ledger_format_u64(buf + 1, (guint64)0 - (guint64)v);
    }
    return ledger_format_u64(buf, (guint64)v);
}

static void
ledger_canon_field(GString *c, char tag, const char *bytes, gsize len)
{
    char num[24];
    gsize n = ledger_format_u64(num, len);

    g_string_append_c(c, tag);
    g_string_append_len(c, num, (gssize)n);
    g_string_append_c(c, ':');
    if (len > 0)
        g_string_append_len(c, bytes, (gssize)len);
}

static void
ledger_canon_int(GString *c, gint64 v)
{
    char num[24];
    gsize n = ledger_format_i64(num, v);

    ledger_canon_field(c, 'i', num, n);
}

/* Adds column @col of the current row of @st, by its storage type. */
static void
ledger_canon_column(GString *c, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
        ledger_canon_int(c, sqlite3_column_int64(st, col));
        break;
    case SQLITE_FLOAT: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_formatd(buf, sizeof buf, "%.17g", sqlite3_column_double(st, col));
        ledger_canon_field(c, 'f', buf, strlen(buf));
        break;
    }
    case SQLITE_BLOB: {
        const void *b = sqlite3_column_blob(st, col);

        ledger_canon_field(c, 'b', b, (gsize)sqlite3_column_bytes(st, col));
        break;
    }
    case SQLITE_NULL:
        ledger_canon_field(c, 'n', NULL, 0);
        break;
    default: { /* SQLITE_TEXT */
        const char *t = (const char *)sqlite3_column_text(st, col);

        ledger_canon_field(c, 't', t, (gsize)sqlite3_column_bytes(st, col));
        break;
    }
    }
}

static void
ledger_hash(DxLedger *self, char out[65])
{
    g_checksum_reset(self->sha);
    g_checksum_update(self->sha, (const guchar *)self->canon->str, (gssize)self->canon->len);
    memcpy(out, g_checksum_get_string(self->sha), 65);
}

static char *
ledger_now_utc(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();

    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Reads the chain's end; call with the write lock held. */
static gboolean
ledger_load_head(DxLedger *self, GError **error)
{
    sqlite3_stmt *st = ledger_prepare(self, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1", error);
    int rc;

    if (st == NULL)
        return FALSE;
    self->head_seq = 0;
    memcpy(self->head_hash, LEDGER_ZERO_HASH, 65);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 1);

        self->head_seq = sqlite3_column_int64(st, 0);
        g_strlcpy(self->head_hash, h != NULL ? h : "", sizeof self->head_hash);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

/* Binds one column of the insert and adds it to the canonical form. */
static void
ledger_put_int(DxLedger *self, LedgerColumn col, gint64 v)
{
    sqlite3_bind_int64(self->insert, (int)col + 1, v);
    ledger_canon_int(self->canon, v);
}

static void
ledger_put_text(DxLedger *self, LedgerColumn col, const char *v)
{
    gsize len;

    if (v == NULL)
        v = "";
    len = strlen(v);
    /* static: @v outlives the sqlite3_step() in ledger_append */
    sqlite3_bind_text(self->insert, (int)col + 1, v, (int)len, SQLITE_STATIC);
    ledger_canon_field(self->canon, 't', v, len);
}

/* Appends @e after the head, inside the caller's transaction. */
static gboolean
ledger_append(DxLedger *self, const LedgerEntry *e, gint64 *seq_out, GError **error)
{
    gint64 seq = self->head_seq + 1;
    char hash[65];
    int rc;

    g_string_truncate(self->canon, 0);
    g_string_append(self->canon, LEDGER_HASH_DOMAIN);
    ledger_put_int(self, COL_SEQ, seq);
    ledger_put_int(self, COL_ROUND_ID, e->round_id);
    ledger_put_text(self, COL_KIND, e->kind);
    ledger_put_int(self, COL_REF_SEQ, e->ref_seq);
    ledger_put_text(self, COL_FUND_ID, e->fund_id);
    ledger_put_text(self, COL_CREATED_AT, e->created_at);
    ledger_put_text(self, COL_APPROVAL_DATE, e->approval_date);
    ledger_put_text(self, COL_APP_ID, e->app_id);
    ledger_put_text(self, COL_ENTERPRISE_ID, e->enterprise_id);
    ledger_put_text(self, COL_POLICY_ID, e->policy_id);
    ledger_put_text(self, COL_BUREAU, e->bureau);
    ledger_put_text(self, COL_ENVELOPE, e->envelope);
    ledger_put_text(self, COL_GROUP_KEY, e->group_key);
    ledger_put_text(self, COL_STATUS, e->status);
    ledger_put_text(self, COL_REASONS, e->reasons);
    ledger_put_int(self, COL_AWARD_FEN, e->award_fen);
    ledger_put_int(self, COL_GRANTED_FEN, e->granted_fen);
    ledger_put_text(self, COL_SCHEDULE, e->schedule);
    ledger_put_text(self, COL_DETAIL, e->detail);
    ledger_put_text(self, COL_RULESET_SHA256, e->ruleset_sha256);
    ledger_put_text(self, COL_INPUT_SHA256, e->input_sha256);
    ledger_put_int(self, COL_N_DECISIONS, e->n_decisions);
    ledger_put_text(self, COL_PREV_HASH, self->head_hash);
    ledger_hash(self, hash);
    sqlite3_bind_text(self->insert, COL_HASH + 1, hash, 64, SQLITE_STATIC);

    rc = sqlite3_step(self->insert);
    if (rc != SQLITE_DONE) {
        ledger_fail(self, error, "cannot append to the ledger");
        sqlite3_reset(self->insert);
        return FALSE;
    }
    sqlite3_reset(self->insert);
    self->head_seq = seq;
    memcpy(self->head_hash, hash, 65);
    if (seq_out != NULL)
        *seq_out = seq;
    return TRUE;
}

/* ------------------------------------------------------------ open / free */

/* Sets *empty when the database has no tables at all (a new file). */
static gboolean
ledger_check_schema(DxLedger *self, gboolean *empty, GError **error)
{
    sqlite3_stmt *st = NULL;
    g_autofree char *format = NULL, *version = NULL;
    gint64 n_tables = 0;
    int rc;

    *empty = FALSE;
    if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK ||
        (rc = sqlite3_step(st)) != SQLITE_ROW) {
        int code = sqlite3_extended_errcode(self->db);

        if ((code & 0xff) == SQLITE_NOTADB)
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger: %s", self->name,
                        sqlite3_errmsg(self->db));
        else if (self->readonly && (code == SQLITE_READONLY_CANTINIT || code == SQLITE_READONLY_DIRECTORY ||
                                    code == SQLITE_READONLY_RECOVERY || (code & 0xff) == SQLITE_CANTOPEN))
            /* a WAL database needs its -shm file, which a reader creates
             * next to the ledger; on read-only media it cannot */
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: cannot read the ledger: %s (a ledger in WAL mode must be in a writable"
                        " directory, or be copied, with any -wal file, to one)",
                        self->name, sqlite3_errmsg(self->db));
        else
            ledger_fail(self, error, "cannot read the ledger");
        sqlite3_finalize(st);
        return FALSE;
    }
    n_tables = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (n_tables == 0) {
        *empty = TRUE;
        return TRUE;
    }

    if (sqlite3_prepare_v2(self->db, "SELECT key, value FROM meta WHERE key IN ('format', 'version')", -1, &st,
                           NULL) != SQLITE_OK) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger (%s)", self->name,
                    sqlite3_errmsg(self->db));
        sqlite3_finalize(st);
        return FALSE;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);

        char **slot = g_strcmp0(k, "format") == 0 ? &format : &version;

        g_free(*slot);
        *slot = g_strdup(v);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
    if (g_strcmp0(format, LEDGER_FORMAT) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger (meta format is “%s”)",
                    self->name, format != NULL ? format : "");
        return FALSE;
    }
    {
        guint64 v = 0;

        if (version == NULL || !g_ascii_string_to_unsigned(version, 10, 1, G_MAXINT, &v, NULL)) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: unknown ledger schema version “%s”",
                        self->name, version != NULL ? version : "");
            return FALSE;
        }
        if (v != LEDGER_VERSION) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: ledger schema version %" G_GUINT64_FORMAT " was written by a newer duixian"
                        " (this one reads version %d)",
                        self->name, v, LEDGER_VERSION);
            return FALSE;
        }
    }
    return TRUE;
}

/* Creates the schema in a new file. Two processes may race to create the
 * same file, so the emptiness check is repeated under the write lock. */
static gboolean
ledger_create_schema(DxLedger *self, GError **error)
{
    gboolean empty = FALSE;

    if (!ledger_exec(self, "BEGIN IMMEDIATE", "cannot create the ledger", error))
        return FALSE;
    if (!ledger_check_schema(self, &empty, error))
        goto fail;
    if (empty && !ledger_exec(self, ledger_schema_sql, "cannot create the ledger", error))
        goto fail;
    if (!ledger_exec(self, "COMMIT", "cannot create the ledger", error))
        goto fail;
    return TRUE;
fail:
    ledger_rollback(self);
    return FALSE;
}

static gboolean
ledger_prepare_insert(DxLedger *self, GError **error)
{
    g_autoptr(GString) sql = g_string_new("INSERT INTO entries (");

    for (int i = 0; i < N_COLS; i++)
        g_string_append_printf(sql, "%s%s", i > 0 ? ", " : "", ledger_columns[i]);
    g_string_append(sql, ") VALUES (");
    for (int i = 0; i < N_COLS; i++)
        g_string_append_printf(sql, "%s?%d", i > 0 ? ", " : "", i + 1);
    g_string_append(sql, ")");
    /* persistent: a round may reuse it a million times */
    if (sqlite3_prepare_v3(self->db, sql->str, -1, SQLITE_PREPARE_PERSISTENT, &self->insert, NULL) != SQLITE_OK)
        return ledger_fail(self, error, "cannot prepare the ledger");
    return TRUE;
}

static DxLedger *
ledger_open(const char *path, gboolean readonly, GError **error)
{
    g_autoptr(DxLedger) self = NULL;
    gboolean empty = FALSE;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    self = g_new0(DxLedger, 1);
    self->name = g_filename_display_name(path);
    self->readonly = readonly;
    self->canon = g_string_sized_new(512);
    self->sha = g_checksum_new(G_CHECKSUM_SHA256);
    memcpy(self->head_hash, LEDGER_ZERO_HASH, 65);

    /* NOMUTEX: a DxLedger has a single owner (dx-ledger.h) */
    rc = sqlite3_open_v2(path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: cannot open the ledger: %s", self->name,
                    self->db != NULL ? sqlite3_errmsg(self->db) : sqlite3_errstr(rc));
        return NULL;
    }
    sqlite3_extended_result_codes(self->db, 1);
    sqlite3_busy_timeout(self->db, LEDGER_BUSY_TIMEOUT_MS);

    if (!ledger_check_schema(self, &empty, error))
        return NULL;
    if (empty && readonly) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger (empty database)", self->name);
        return NULL;
    }
    if (readonly)
        return g_steal_pointer(&self);

    if (empty && !ledger_create_schema(self, error))
        return NULL;
    /* A rollback journal, not WAL: the ledger stays one self-contained file
     * (copying ledger.db alone can never drop committed rounds still in a
     * -wal file), commits are faster for this append-only load, and
     * read-only opens work on read-only media. Readers wait for a round's
     * commit, which is what a finance officer expects anyway. If the file
     * was left in WAL mode by an older version, this converts it back. */
    if (!ledger_exec(self, "PRAGMA journal_mode = DELETE", "cannot configure the ledger", error))
        return NULL;
    /* FULL: a committed round survives a power cut. A big page cache
     * keeps a million-decision round from spilling pages mid-transaction,
     * and the size limit keeps a journal from staying at its peak size. */
    if (!ledger_exec(self,
                     "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;"
                     " PRAGMA journal_size_limit = 67108864",
                     "cannot configure the ledger", error))
        return NULL;
    if (!ledger_prepare_insert(self, error))
        return NULL;
    return g_steal_pointer(&self);
}

DxLedger *
dx_ledger_open(const char *path, GError **error)
{
    return ledger_open(path, FALSE, error);
}

DxLedger *
dx_ledger_open_readonly(const char *path, GError **error)
{
    return ledger_open(path, TRUE, error);
}

static void
ledger_round_clear(DxLedger *self)
{
    self->in_round = FALSE;
    self->round_failed = FALSE;
    self->round_id = 0;
    g_clear_pointer(&self->round_fund_id, g_free);
    g_clear_pointer(&self->round_approval_date, g_free);
    g_clear_pointer(&self->round_created_at, g_free);
    self->round_declared_n = self->round_n = 0;
    self->round_declared_granted = self->round_granted = 0;
}

void
dx_ledger_free(DxLedger *self)
{
    if (self == NULL)
        return;
    if (self->db != NULL) {
        /* an unfinished round is abandoned, never half-committed */
        ledger_rollback(self);
        sqlite3_finalize(self->insert);
        sqlite3_close_v2(self->db);
    }
    ledger_round_clear(self);
    if (self->canon != NULL)
        g_string_free(self->canon, TRUE);
    if (self->sha != NULL)
        g_checksum_free(self->sha);
    g_free(self->name);
    g_free(self);
}

/* ------------------------------------------------------------------ round */

static gboolean
ledger_require_writable(DxLedger *self, GError **error)
{
    if (self->readonly) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the ledger was opened read-only", self->name);
        return FALSE;
    }
    return TRUE;
}

/* BEGIN IMMEDIATE waits up to the busy timeout for another writer; a
 * SQLITE_BUSY after that becomes DX_ERROR_LEDGER. */
static gboolean
ledger_begin(DxLedger *self, GError **error)
{
    if (!ledger_require_writable(self, error))
        return FALSE;
    if (sqlite3_exec(self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return ledger_fail(self, error, "cannot lock the ledger for writing");
    if (!ledger_load_head(self, error)) {
        ledger_rollback(self);
        return FALSE;
    }
    return TRUE;
}

/* COMMIT, or on failure (disk full, I/O error) ROLLBACK so that nothing of
 * the transaction remains. */
static gboolean
ledger_commit(DxLedger *self, GError **error)
{
    if (sqlite3_exec(self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        ledger_fail(self, error, "cannot commit to the ledger");
        ledger_rollback(self);
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_ledger_begin_round(DxLedger *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(!self->in_round, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!ledger_begin(self, error))
        return FALSE;
    ledger_round_clear(self);
    self->in_round = TRUE;
    return TRUE;
}

/* Grants and revocations share entries_grants: a revoke row repeats the
 * grant's amounts, and its kind turns them negative. */
#define LEDGER_SIGNED(col) "SUM(CASE kind WHEN 'revoke' THEN -" col " ELSE " col " END)"
#define LEDGER_GRANTS_WHERE "WHERE kind <> 'round' AND granted_fen > 0 AND fund_id = ?1"

gboolean
dx_ledger_load_prior(DxLedger *self, const char *fund_id, DxPriorBook *book, GError **error)
{
    static const char paid_sql[] =
        "SELECT DISTINCT app_id FROM entries " LEDGER_GRANTS_WHERE " AND kind = 'decision'";
    static const char awards_sql[] =
        "SELECT enterprise_id, policy_id, group_key, " LEDGER_SIGNED("award_fen") ", " LEDGER_SIGNED(
            "granted_fen") ", " LEDGER_SIGNED("1") " FROM entries " LEDGER_GRANTS_WHERE
        " GROUP BY enterprise_id, policy_id, group_key";
    static const char envelopes_sql[] =
        "SELECT envelope, " LEDGER_SIGNED("granted_fen") " FROM entries " LEDGER_GRANTS_WHERE " GROUP BY envelope";
    static const char *const queries[] = { paid_sql, awards_sql, envelopes_sql };

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round, FALSE);   /* what it reads must not change before commit */
    g_return_val_if_fail(fund_id != NULL, FALSE);
    g_return_val_if_fail(book != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    for (guint q = 0; q < G_N_ELEMENTS(queries); q++) {
        sqlite3_stmt *st = ledger_prepare(self, queries[q], error);
        int rc;

        if (st == NULL)
            return FALSE;
        sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *a = (const char *)sqlite3_column_text(st, 0);

            if (q == 0) {
                dx_prior_book_add_paid_app(book, a);
            } else if (q == 1) {
                dx_prior_book_add_award(book, a, (const char *)sqlite3_column_text(st, 1),
                                        (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
                                        sqlite3_column_int64(st, 4), (int)sqlite3_column_int64(st, 5));
            } else {
                dx_prior_book_add_envelope_charge(book, a, sqlite3_column_int64(st, 1));
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return ledger_fail(self, error, "cannot read the ledger");
    }
    return TRUE;
}

gboolean
dx_ledger_add_round(DxLedger *self, const DxLedgerRoundInfo *info, gint64 *round_id, GError **error)
{
    LedgerEntry e = { 0 };

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round && self->round_id == 0, FALSE);
    g_return_val_if_fail(info != NULL && info->fund_id != NULL && info->approval_date != NULL, FALSE);
    g_return_val_if_fail(info->granted_fen >= 0, FALSE);
    g_return_val_if_fail(info->n_decisions <= (uint64_t)G_MAXINT64, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    self->round_fund_id = g_strdup(info->fund_id);
    self->round_approval_date = g_strdup(info->approval_date);
    self->round_created_at = ledger_now_utc();
    e.round_id = self->head_seq + 1;   /* the header's own seq */
    e.kind = "round";
    e.fund_id = self->round_fund_id;
    e.created_at = self->round_created_at;
    e.approval_date = self->round_approval_date;
    e.granted_fen = info->granted_fen;
    e.detail = info->params_json;
    e.ruleset_sha256 = info->ruleset_sha256;
    e.input_sha256 = info->input_sha256;
    e.n_decisions = (gint64)info->n_decisions;
    if (!ledger_append(self, &e, &self->round_id, error)) {
        self->round_failed = TRUE;
        return FALSE;
    }
    self->round_declared_n = info->n_decisions;
    self->round_declared_granted = info->granted_fen;
    if (round_id != NULL)
        *round_id = self->round_id;
    return TRUE;
}

gboolean
dx_ledger_add_decision(DxLedger *self, gint64 round_id, const DxLedgerDecisionInfo *info, GError **error)
{
    LedgerEntry e;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round && self->round_id != 0 && round_id == self->round_id, FALSE);
    g_return_val_if_fail(info != NULL && info->app_id != NULL && info->enterprise_id != NULL, FALSE);
    g_return_val_if_fail(info->award_fen >= 0 && info->granted_fen >= 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    e = (LedgerEntry){
        .round_id = round_id,
        .kind = "decision",
        .fund_id = self->round_fund_id,
        .created_at = self->round_created_at,
        .approval_date = self->round_approval_date,
        .app_id = info->app_id,
        .enterprise_id = info->enterprise_id,
        .policy_id = info->policy_id,
        .bureau = info->bureau,
        .envelope = info->envelope,
        .group_key = info->group_key,
        .status = info->status,
        .reasons = info->reasons,
        .award_fen = info->award_fen,
        .granted_fen = info->granted_fen,
        .schedule = info->schedule,
    };
    if (!ledger_append(self, &e, NULL, error)) {
        self->round_failed = TRUE;
        return FALSE;
    }
    self->round_n++;
    self->round_granted += info->granted_fen;
    return TRUE;
}

gboolean
dx_ledger_commit_round(DxLedger *self, GError **error)
{
    gboolean ok = FALSE;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (self->round_failed) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: an entry of this round could not be written",
                    self->name);
        ledger_rollback(self);
    } else if (self->round_id != 0 &&
               (self->round_n != self->round_declared_n || self->round_granted != self->round_declared_granted)) {
        /* the header must describe exactly the entries that follow it */
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                    "%s: round %" G_GINT64_FORMAT " declared %" G_GUINT64_FORMAT " decisions granting %" G_GINT64_FORMAT
                    " fen, but %" G_GUINT64_FORMAT " granting %" G_GINT64_FORMAT " fen were added",
                    self->name, self->round_id, self->round_declared_n, self->round_declared_granted,
                    self->round_n, self->round_granted);
        ledger_rollback(self);
    } else {
        ok = ledger_commit(self, error);
    }
    ledger_round_clear(self);
    return ok;
}

void
dx_ledger_abort_round(DxLedger *self)
{
    g_return_if_fail(self != NULL);

    ledger_rollback(self);
    ledger_round_clear(self);
}

/* ----------------------------------------------------------------- revoke */

typedef struct {
    gint64 seq, round_id, award_fen, granted_fen;
    char *fund_id, *approval_date, *enterprise_id, *policy_id, *bureau, *envelope, *group_key;
} LedgerGrant;

static void
ledger_grant_clear(gpointer p)
{
    LedgerGrant *g = p;

    g_free(g->fund_id);
    g_free(g->approval_date);
    g_free(g->enterprise_id);
    g_free(g->policy_id);
    g_free(g->bureau);
    g_free(g->envelope);
    g_free(g->group_key);
}

/* The live grants of @app_id, collected before anything is appended. */
static gboolean
ledger_live_grants(DxLedger *self, const char *app_id, GArray *out, GError **error)
{
    sqlite3_stmt *st = ledger_prepare(
        self,
        "SELECT seq, round_id, award_fen, granted_fen, fund_id, approval_date, enterprise_id, policy_id,"
        " bureau, envelope, group_key FROM entries AS d"
        " WHERE kind = 'decision' AND granted_fen > 0 AND app_id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM entries AS r WHERE r.kind = 'revoke' AND r.ref_seq = d.seq)"
        " ORDER BY seq",
        error);
    int rc;

    if (st == NULL)
        return FALSE;
    sqlite3_bind_text(st, 1, app_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        LedgerGrant g = {
            .seq = sqlite3_column_int64(st, 0),
            .round_id = sqlite3_column_int64(st, 1),
            .award_fen = sqlite3_column_int64(st, 2),
            .granted_fen = sqlite3_column_int64(st, 3),
        };
        char **strs[] = { &g.fund_id, &g.approval_date, &g.enterprise_id, &g.policy_id,
                          &g.bureau, &g.envelope, &g.group_key };

        for (guint i = 0; i < G_N_ELEMENTS(strs); i++)
            *strs[i] = g_strdup((const char *)sqlite3_column_text(st, 4 + (int)i));
        g_array_append_val(out, g);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

gboolean
dx_ledger_revoke(DxLedger *self, const char *app_id, const char *reason, GError **error)
{
    g_autoptr(GArray) grants = NULL;
    g_autofree char *now = NULL;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(!self->in_round, FALSE);
    g_return_val_if_fail(app_id != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!ledger_begin(self, error))
        return FALSE;
    grants = g_array_new(FALSE, TRUE, sizeof(LedgerGrant));
    g_array_set_clear_func(grants, ledger_grant_clear);
    if (!ledger_live_grants(self, app_id, grants, error))
        goto fail;
    if (grants->len == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: nothing to revoke for app_id %s", self->name, app_id);
        goto fail;
    }
    now = ledger_now_utc();
    for (guint i = 0; i < grants->len; i++) {
        const LedgerGrant *g = &g_array_index(grants, LedgerGrant, i);
        LedgerEntry e = {
            .round_id = g->round_id,
            .kind = "revoke",
            .ref_seq = g->seq,
            .fund_id = g->fund_id,
            .created_at = now,
            .approval_date = g->approval_date,
            .app_id = app_id,
            .enterprise_id = g->enterprise_id,
            .policy_id = g->policy_id,
            .bureau = g->bureau,
            .envelope = g->envelope,
            .group_key = g->group_key,
            .status = "revoked",
            .award_fen = g->award_fen,
            .granted_fen = g->granted_fen,
            .detail = reason,
        };

        if (!ledger_append(self, &e, NULL, error))
            goto fail;
    }
    return ledger_commit(self, error);
fail:
    ledger_rollback(self);
    return FALSE;
}

/* ----------------------------------------------------------------- verify */

static void
ledger_describe(GString *out, sqlite3_stmt *st)
{
    const int cols[] = { COL_KIND, COL_APP_ID, COL_POLICY_ID };

    g_string_append_printf(out, "entry %" G_GINT64_FORMAT " (round %" G_GINT64_FORMAT ",",
                           (gint64)sqlite3_column_int64(st, COL_SEQ), (gint64)sqlite3_column_int64(st, COL_ROUND_ID));
    for (guint i = 0; i < G_N_ELEMENTS(cols); i++) {
        const char *t = (const char *)sqlite3_column_text(st, cols[i]);

        if (t != NULL && *t != '\0')
            g_string_append_printf(out, " %s", t);
    }
    g_string_append(out, ")");
}

gboolean
dx_ledger_verify(DxLedger *self, uint64_t *n_entries, GError **error)
{
    g_autoptr(GString) sql = g_string_new("SELECT ");
    g_autoptr(GString) what = NULL;
    char prev[65], hash[65];
    gint64 expected = 1;
    uint64_t n = 0;
    sqlite3_stmt *st;
    int rc;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    for (int i = 0; i < N_COLS; i++)
        g_string_append_printf(sql, "%s%s", i > 0 ? ", " : "", ledger_columns[i]);
    g_string_append(sql, " FROM entries ORDER BY seq");
    st = ledger_prepare(self, sql->str, error);
    if (st == NULL)
        return FALSE;
    memcpy(prev, LEDGER_ZERO_HASH, 65);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 seq = sqlite3_column_int64(st, COL_SEQ);
        const char *prev_hash = (const char *)sqlite3_column_text(st, COL_PREV_HASH);
        const char *stored;

        if (seq != expected) {
            what = g_string_new(NULL);
            ledger_describe(what, st);
            if (seq > expected)
                g_string_append_printf(what, ": entry %" G_GINT64_FORMAT " is missing", expected);
            else
                g_string_append_printf(what, ": out of sequence (expected entry %" G_GINT64_FORMAT ")", expected);
            break;
        }
        if (sqlite3_column_type(st, COL_PREV_HASH) != SQLITE_TEXT || strcmp(prev_hash, prev) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st);
            g_string_append(what, expected == 1 ? ": prev_hash is not the chain's start"
                                                : ": prev_hash does not match the previous entry's hash");
            break;
        }
        g_string_truncate(self->canon, 0);
        g_string_append(self->canon, LEDGER_HASH_DOMAIN);
        for (int c = 0; c < COL_HASH; c++)
            ledger_canon_column(self->canon, st, c);
        ledger_hash(self, hash);
        stored = (const char *)sqlite3_column_text(st, COL_HASH);
        if (sqlite3_column_type(st, COL_HASH) != SQLITE_TEXT || strcmp(stored, hash) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st);
            g_string_append(what, ": hash does not match");
            break;
        }
        memcpy(prev, hash, 65);
        expected++;
        n++;
    }
    sqlite3_finalize(st);
    if (n_entries != NULL)
        *n_entries = n;
    if (what != NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT, "%s: %s", self->name, what->str);
        return FALSE;
    }
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

/* ---------------------------------------------------------------- getters */

/* Runs @sql (one int64 parameter ?1 unless @param < 0) and returns the
 * first column of its first row as a prepared statement positioned on it,
 * or NULL if there is no row. */
static sqlite3_stmt *
ledger_query_row(DxLedger *self, const char *sql, gint64 param)
{
    sqlite3_stmt *st = ledger_prepare_or_warn(self, sql);
    int rc;

    if (st == NULL)
        return NULL;
    if (param >= 0)
        sqlite3_bind_int64(st, 1, param);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE)
            g_warning("%s: cannot read the ledger: %s", self->name, sqlite3_errmsg(self->db));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

size_t
dx_ledger_get_n_rounds(DxLedger *self)
{
    sqlite3_stmt *st;
    size_t n;

    g_return_val_if_fail(self != NULL, 0);

    st = ledger_query_row(self, "SELECT count(*) FROM entries WHERE kind = 'round'", -1);
    if (st == NULL)
        return 0;
    n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The round entry @index (oldest first), positioned on @column. */
static sqlite3_stmt *
ledger_round_row(DxLedger *self, size_t index, const char *column)
{
    g_autofree char *sql =
        g_strdup_printf("SELECT %s FROM entries WHERE kind = 'round' ORDER BY seq LIMIT 1 OFFSET ?1", column);
    sqlite3_stmt *st;

    if (index > (size_t)G_MAXINT64)
        return NULL;
    st = ledger_query_row(self, sql, (gint64)index);
    if (st == NULL)
        g_critical("%s: round index %zu is out of range", G_STRFUNC, index);
    return st;
}

static int64_t
ledger_round_int(DxLedger *self, size_t index, const char *column)
{
    sqlite3_stmt *st;
    int64_t v;

    g_return_val_if_fail(self != NULL, 0);

    st = ledger_round_row(self, index, column);
    if (st == NULL)
        return 0;
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int64_t
dx_ledger_get_round_id(DxLedger *self, size_t index)
{
    return ledger_round_int(self, index, "seq");
}

int64_t
dx_ledger_get_round_granted_fen(DxLedger *self, size_t index)
{
    return ledger_round_int(self, index, "granted_fen");
}

uint64_t
dx_ledger_get_round_n_decisions(DxLedger *self, size_t index)
{
    return (uint64_t)ledger_round_int(self, index, "n_decisions");
}

char *
dx_ledger_dup_round_field(DxLedger *self, size_t index, const char *field)
{
    /* field name -> column; also the whitelist that keeps @field out of SQL */
    static const struct {
        const char *field, *column;
    } fields[] = {
        { "created_at", "created_at" },         { "approval_date", "approval_date" },
        { "fund_id", "fund_id" },               { "ruleset_sha256", "ruleset_sha256" },
        { "input_sha256", "input_sha256" },     { "params", "detail" },
    };
    sqlite3_stmt *st;
    char *v;

    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(field != NULL, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (strcmp(field, fields[i].field) != 0)
            continue;
        st = ledger_round_row(self, index, fields[i].column);
        if (st == NULL)
            return NULL;
        v = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return v;
    }
    g_critical("%s: no round field “%s”", G_STRFUNC, field);
    return NULL;
}

int64_t
dx_ledger_get_charged_fen(DxLedger *self, const char *fund_id, const char *envelope)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    int rc;

    g_return_val_if_fail(self != NULL, 0);
    g_return_val_if_fail(fund_id != NULL && envelope != NULL, 0);

    st = ledger_prepare_or_warn(self, "SELECT coalesce(" LEDGER_SIGNED("granted_fen") ", 0) FROM entries "
                                      LEDGER_GRANTS_WHERE " AND envelope = ?2");
    if (st == NULL)
        return 0;
    sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, envelope, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        g_warning("%s: cannot read the ledger: %s", self->name, sqlite3_errmsg(self->db));
    sqlite3_finalize(st);
    return v;
}

char *
dx_ledger_dup_head_hash(DxLedger *self)
{
    sqlite3_stmt *st;
    char *v;

    g_return_val_if_fail(self != NULL, NULL);

    st = ledger_query_row(self, "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1", -1);
    if (st == NULL)
        return g_strdup("");
    v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}
