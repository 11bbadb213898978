/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxLedger (dx-ledger.h, dx-ledger-private.h): one SQLite file, or one
 * PostgreSQL database (docs/ledger.md), holding an append-only table of entries and a meta table naming the format and its
 * version (3). An entry is one of three kinds:
 *
 *   round      a round's header: fund, dates, ruleset and input hashes,
 *              params (in detail), and the round's n_decisions and
 *              granted_fen in all
 *   decisions  the next up to LEDGER_CHUNK (4096) decisions of the round
 *              whose header precedes it, in the round's order, encoded in
 *              body (below); n_decisions, award_fen and granted_fen are
 *              their count and sums. A round's decisions entries follow
 *              its header directly and together hold exactly what the
 *              header declares
 *   revoke     reverses one grant: ref_seq is the decisions entry holding
 *              it and ref_index its place there (from 0); the grant's
 *              fund, app, enterprise, policy, bureau, envelope, group and
 *              amounts are repeated, detail is the reason
 *
 * and, since version 4, payrun/payments (a payment run) and clawback,
 * review and refund (§14): their columns and bodies are described in
 * dx-ledger-lines-private.h.
 *
 * Columns a kind does not use hold 0, "" or an empty blob.
 *
 * A decisions entry's body is its decisions back to back, nothing else:
 *
 *   decision = app_id:str enterprise_id:str class award_fen:uint granted_fen:uint
 *              computed_fen:uint schedule:str
 *   class    = uint k: k = 0 defines the entry's next class right here,
 *                policy_id:str bureau:str envelope:str group_key:str status:str reasons:str
 *              (the first class defined is class 1, then 2, ...); k > 0 is class k
 *   str      = length:uint, then that many bytes (UTF-8, no NUL)
 *   uint     = unsigned LEB128: 7 bits a byte, least significant first, the
 *              high bit set on every byte but the last; at most 10 bytes,
 *              and amounts at most G_MAXINT64
 *
 * computed_fen is the decision's computed amount, decisions.csv's column.
 *
 * Classes restart with each entry, so every entry decodes on its own; a
 * class is what decisions of one policy and outcome share, so most
 * decisions only refer to one. The fields mean what DxLedgerDecisionInfo
 * says; a schedule reads "1/2 2022-06-30 5000000;2/2 2023-06-30 5000000"
 * (installment/of, date, fen). A decision takes some 45 to 80 bytes,
 * mostly its app_id, enterprise_id and schedule.
 *
 * Invariant: entry seq runs 1, 2, 3, ... without gaps, and each entry's
 * hash is the SHA-256 of the canonical form of every other column of its
 * row (prev_hash and body included), prev_hash being the previous entry's
 * hash (64 zeros for entry 1). The canonical form (ledger_canon_*) is:
 *
 *   "duixian-ledger/2\n" then, for each column in table order but hash,
 *   <tag><decimal byte length>":"<bytes>
 *
 * with tag 'i' (integer, bytes = its decimal form), 't' (text, its UTF-8
 * bytes), 'b' (blob), 'f' (real, "%.17g") or 'n' (NULL, length 0). The
 * length prefix makes the form unambiguous; the tag makes a change of
 * storage type alone (text "5" for integer 5, a blob with a text's bytes)
 * an edit verify sees. We only ever write integers, text and blobs, so 'f'
 * and 'n' exist to hash what someone else put there. body is the last
 * column so that reading the others never walks its overflow pages.
 *
 * Triggers make UPDATE and DELETE fail, but the hash chain is the real
 * guard: dx_ledger_verify() recomputes it from the stored columns, so an
 * edit made with the triggers dropped is found too, down to one byte of a
 * body; verify also decodes every body and checks each round against its
 * header. Cutting whole rounds or revocations off the end is not
 * detectable from inside the file; that is what the head hash recorded
 * elsewhere is for. A file of an older version (1: one row per decision;
 * 2: no computed_fen; neither was ever deployed) is refused, not converted.
 *
 * Everything that reads decisions (load_prior, get_charged_fen, revoke)
 * decodes bodies in C; only grants count, and an entry without any
 * (granted_fen = 0) is skipped unread.
 *
 * Concurrency is the store's: a round and a revocation run inside
 * dx_store_begin() (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE with
 * the entries table locked against writers first), so a second writer
 * waits for the first to commit and then reads what it wrote. A round's decisions are buffered
 * here and written LEDGER_CHUNK at a time, all inside its transaction.
 * This file does not cache anything that lives in the database across
 * transactions.
 */#include "ledger/dx-ledger-impl-private.h"
#include "base/dx-out-private.h"
#include "base/dx-num-private.h"
#include "output/dx-summary-private.h"
#include "decide/dx-decision-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *const ledger_columns[N_COLS] = {
    "seq", "round_id", "kind", "ref_seq", "ref_index", "fund_id", "created_at", "approval_date",
    "app_id", "enterprise_id", "policy_id", "bureau", "envelope", "group_key", "award_fen",
    "granted_fen", "detail", "ruleset_sha256", "input_sha256", "n_decisions", "prev_hash", "hash", "body",
};

char *
dx_ledger_now_utc(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();

    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

/* Reads the chain's end; call with the write lock held. */
static gboolean
ledger_load_head(DxLedger *self, GError **error)
{
    DxStmt *st = dx_ledger_prepare(self, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1", error);
    int rc;

    self->head_pending = FALSE;   /* read again: another writer may have moved it */
    if (st == NULL)
        return FALSE;
    self->head_seq = 0;
    memcpy(self->head_hash, LEDGER_ZERO_HASH, 65);
    rc = dx_stmt_step(st);
    if (rc == DX_STMT_ROW) {
        const char *h = dx_stmt_column_text(st, 1);

        self->head_seq = dx_stmt_column_int64(st, 0);
        g_strlcpy(self->head_hash, h != NULL ? h : "", sizeof self->head_hash);
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_ROW && rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

/* Binds one column of the insert and adds it to the canonical form. */
static void
ledger_put_int(DxLedger *self, LedgerColumn col, gint64 v)
{
    dx_stmt_bind_int64(self->insert, (int)col + 1, v);
    dx_ledger_canon_int(self, v);
}

static void
ledger_put_text(DxLedger *self, LedgerColumn col, const char *v)
{
    gsize len;

    if (v == NULL)
        v = "";
    len = strlen(v);
    /* static: @v outlives the dx_stmt_step() in dx_ledger_append */
    dx_stmt_bind_text(self->insert, (int)col + 1, v, (int)len);
    dx_ledger_canon_field(self, 't', v, len);
}

static void
ledger_put_blob(DxLedger *self, LedgerColumn col, const guint8 *v, gsize len)
{
    /* never a NULL pointer: that would bind NULL, not an empty blob */
    if (v == NULL || len == 0)
        v = ledger_empty_body;
    dx_stmt_bind_blob(self->insert, (int)col + 1, v, len);
    dx_ledger_canon_field(self, 'b', v, len);
}

/* Appends @e after the head, inside the caller's transaction. */
gboolean
dx_ledger_append(DxLedger *self, const LedgerEntry *e, gint64 *seq_out, GError **error)
{
    gint64 seq = self->head_seq + 1;
    char hash[65];
    int rc;

    dx_ledger_canon_begin(self);
    ledger_put_int(self, COL_SEQ, seq);
    ledger_put_int(self, COL_ROUND_ID, e->round_id);
    ledger_put_text(self, COL_KIND, e->kind);
    ledger_put_int(self, COL_REF_SEQ, e->ref_seq);
    ledger_put_int(self, COL_REF_INDEX, e->ref_index);
    ledger_put_text(self, COL_FUND_ID, e->fund_id);
    ledger_put_text(self, COL_CREATED_AT, e->created_at);
    ledger_put_text(self, COL_APPROVAL_DATE, e->approval_date);
    ledger_put_text(self, COL_APP_ID, e->app_id);
    ledger_put_text(self, COL_ENTERPRISE_ID, e->enterprise_id);
    ledger_put_text(self, COL_POLICY_ID, e->policy_id);
    ledger_put_text(self, COL_BUREAU, e->bureau);
    ledger_put_text(self, COL_ENVELOPE, e->envelope);
    ledger_put_text(self, COL_GROUP_KEY, e->group_key);
    ledger_put_int(self, COL_AWARD_FEN, e->award_fen);
    ledger_put_int(self, COL_GRANTED_FEN, e->granted_fen);
    ledger_put_text(self, COL_DETAIL, e->detail);
    ledger_put_text(self, COL_RULESET_SHA256, e->ruleset_sha256);
    ledger_put_text(self, COL_INPUT_SHA256, e->input_sha256);
    ledger_put_int(self, COL_N_DECISIONS, e->n_decisions);
    ledger_put_text(self, COL_PREV_HASH, self->head_hash);
    ledger_put_blob(self, COL_BODY, e->body, e->body_len);   /* hashed before hash: it is the last column hashed */
    dx_ledger_canon_end(self, hash);
    dx_stmt_bind_text(self->insert, COL_HASH + 1, hash, 64);

    rc = dx_stmt_step(self->insert);
    if (rc != DX_STMT_DONE)
        dx_ledger_fail(self, error, "cannot append to the ledger");
    dx_stmt_reset(self->insert);   /* and unbind: the borrowed values die with the caller */
    if (rc != DX_STMT_DONE)
        return FALSE;
    self->head_seq = seq;
    memcpy(self->head_hash, hash, 65);
    self->head_pending = TRUE;
    if (seq_out != NULL)
        *seq_out = seq;
    return TRUE;
}

/* ------------------------------------------------------------ open / free */

/* Sets *empty when the database has no tables at all (a new file). */
static gboolean
ledger_check_schema(DxLedger *self, gboolean *empty, GError **error)
{
    DxStmt *st = NULL;
    g_autofree char *format = NULL, *version = NULL;
    gint64 n_tables = 0;
    int rc;

    *empty = FALSE;
    if (!dx_store_count_tables(self->store, &n_tables)) {
        DxStoreErr code = dx_store_errkind(self->store);

        if (code == DX_STORE_ERR_NOT_A_DATABASE)
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger: %s", self->name,
                        dx_store_errmsg(self->store));
        else if (self->readonly && code == DX_STORE_ERR_CANNOT_OPEN_READONLY)
            /* a WAL database needs its -shm file, which a reader creates
             * next to the ledger; on read-only media it cannot */
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: cannot read the ledger: %s (a ledger in WAL mode must be in a writable"
                        " directory, or be copied, with any -wal file, to one)",
                        self->name, dx_store_errmsg(self->store));
        else
            dx_ledger_fail(self, error, "cannot read the ledger");
        return FALSE;
    }
    if (n_tables == 0) {
        *empty = TRUE;
        return TRUE;
    }

    st = dx_stmt_prepare(self->store, "SELECT key, value FROM meta WHERE key IN ('format', 'version')", FALSE);
    if (st == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger (%s)", self->name,
                    dx_store_errmsg(self->store));
        return FALSE;
    }
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        const char *k = dx_stmt_column_text(st, 0);
        const char *v = dx_stmt_column_text(st, 1);

        char **slot = g_strcmp0(k, "format") == 0 ? &format : &version;

        g_free(*slot);
        *slot = g_strdup(v);
    }
    if (rc != DX_STMT_DONE && dx_store_kind(self->store) != DX_STORE_SQLITE && format == NULL) {
        /* a server prepares when the statement runs: no meta table shows here */
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: not a duixian ledger (%s)", self->name,
                    dx_store_errmsg(self->store));
        dx_stmt_finalize(st);
        return FALSE;
    }
    dx_stmt_finalize(st);
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
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
        if (v > LEDGER_VERSION) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: ledger schema version %" G_GUINT64_FORMAT " was written by a newer duixian"
                        " (this one reads version %d)",
                        self->name, v, LEDGER_VERSION);
            return FALSE;
        }
        if (v < 3) {
            /* versions 1 and 2 never left development: no such ledger exists */
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: ledger schema version %" G_GUINT64_FORMAT " is an older format this duixian"
                        " does not read (it reads versions 3 and %d); start a new ledger file",
                        self->name, v, LEDGER_VERSION);
            return FALSE;
        }
        self->version = (int)v;   /* 3 is read as it is, and migrated when opened for writing */
    }
    return TRUE;
}

/* Brings a version 3 file to LEDGER_VERSION in one transaction: either
 * the whole migration is committed or the file stays as it was. The
 * version is read again under the write lock, since another process may
 * have migrated it meanwhile. */
static gboolean
ledger_migrate(DxLedger *self, GError **error)
{
    gboolean empty = FALSE;

    if (!dx_store_begin(self->store))
        return dx_ledger_fail(self, error, "cannot migrate the ledger");
    if (!ledger_check_schema(self, &empty, error))
        goto fail;
    if (self->version == 3 && dx_store_kind(self->store) != DX_STORE_SQLITE) {
        /* no server ever held a version 3 ledger: the server schema began at 4 */
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: ledger schema version 3 on a server is not a"
                    " ledger this duixian wrote", self->name);
        goto fail;
    }
    if (self->version == 3 && !dx_ledger_exec(self, dx_ledger_migrate_3_sql, "cannot migrate the ledger", error))
        goto fail;
    if (!dx_ledger_exec(self, "COMMIT", "cannot migrate the ledger", error))
        goto fail;
    self->version = LEDGER_VERSION;
    return TRUE;
fail:
    dx_ledger_rollback(self);
    return FALSE;
}

/* Creates the schema in a new file. Two processes may race to create the
 * same file, so the emptiness check is repeated under the write lock. */
static gboolean
ledger_create_schema(DxLedger *self, GError **error)
{
    gboolean empty = FALSE;

    if (!dx_store_begin(self->store))
        return dx_ledger_fail(self, error, "cannot create the ledger");
    if (!ledger_check_schema(self, &empty, error))
        goto fail;
    if (empty && !dx_ledger_exec(self, dx_ledger_schema_sql(dx_store_kind(self->store)), "cannot create the ledger", error))
        goto fail;
    if (empty)
        self->version = LEDGER_VERSION;
    if (!dx_ledger_exec(self, "COMMIT", "cannot create the ledger", error))
        goto fail;
    return TRUE;
fail:
    dx_ledger_rollback(self);
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
    /* persistent: every entry of every round reuses it */
    self->insert = dx_stmt_prepare(self->store, sql->str, TRUE);
    if (self->insert == NULL)
        return dx_ledger_fail(self, error, "cannot prepare the ledger");
    return TRUE;
}

static DxLedger *
ledger_open(const char *path, gboolean readonly, GError **error)
{
    g_autoptr(DxLedger) self = NULL;
    gboolean empty = FALSE;
    g_autofree char *errmsg = NULL;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    self = g_new0(DxLedger, 1);
    self->name = dx_store_location_display(path);   /* never a password */
    self->readonly = readonly;
    self->canon = g_string_sized_new(512);
    self->sha = g_checksum_new(G_CHECKSUM_SHA256);
    memcpy(self->head_hash, LEDGER_ZERO_HASH, 65);
    self->read_classes = g_array_new(FALSE, FALSE, sizeof(LedgerClass));
    self->read_strings = g_string_chunk_new(1024);
    self->read_app = g_string_sized_new(64);
    self->read_enterprise = g_string_sized_new(64);

    self->store = dx_store_open(path, readonly, &errmsg);
    if (self->store == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: cannot open the ledger: %s", self->name, errmsg);
        return NULL;
    }

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
    if (self->version < LEDGER_VERSION && !ledger_migrate(self, error))
        return NULL;
    if (!dx_store_configure(self->store)) {
        dx_ledger_fail(self, error, "cannot configure the ledger");
        return NULL;
    }
    if (!ledger_prepare_insert(self, error))
        return NULL;
    self->classes = g_new(LedgerClassKey, LEDGER_CHUNK);
    self->class_slots = g_new0(guint32, LEDGER_CHUNK * 2);
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
    dx_store_recover(path);   /* a killed writer's journal, rolled back first */
    return ledger_open(path, TRUE, error);
}

void
dx_ledger_round_clear(DxLedger *self)
{
    self->in_round = FALSE;
    self->round_failed = FALSE;
    self->round_id = 0;
    g_clear_pointer(&self->round_fund_id, g_free);
    g_clear_pointer(&self->round_approval_date, g_free);
    g_clear_pointer(&self->round_created_at, g_free);
    self->round_declared_n = self->round_n = 0;
    self->round_declared_granted = self->round_granted = 0;
    if (self->class_slots != NULL)
        dx_ledger_chunk_reset(self);
}

void
dx_ledger_free(DxLedger *self)
{
    if (self == NULL)
        return;
    if (self->store != NULL) {
        /* an unfinished round is abandoned, never half-committed */
        dx_ledger_rollback(self);
        dx_stmt_finalize(self->insert);
        dx_store_close(self->store);
    }
    dx_ledger_round_clear(self);
    if (self->canon != NULL)
        g_string_free(self->canon, TRUE);
    if (self->sha != NULL)
        g_checksum_free(self->sha);
    dx_ledger_buf_clear(&self->chunk);
    dx_ledger_buf_clear(&self->class_keys);
    dx_ledger_buf_clear(&self->class_scratch);
    g_free(self->classes);
    g_free(self->class_slots);
    if (self->read_classes != NULL)
        g_array_unref(self->read_classes);
    if (self->read_strings != NULL)
        g_string_chunk_free(self->read_strings);
    if (self->read_app != NULL)
        g_string_free(self->read_app, TRUE);
    if (self->read_enterprise != NULL)
        g_string_free(self->read_enterprise, TRUE);
    g_free(self->name);
    g_free(self);
}

/* ---------------------------------------------------------- transactions */

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
 * busy store after that becomes DX_ERROR_LEDGER. */
gboolean
dx_ledger_begin(DxLedger *self, GError **error)
{
    if (!ledger_require_writable(self, error))
        return FALSE;
    if (!dx_store_begin(self->store))
        return dx_ledger_fail(self, error, "cannot lock the ledger for writing");
    if (!ledger_load_head(self, error)) {
        dx_ledger_rollback(self);
        return FALSE;
    }
    return TRUE;
}

/* COMMIT, or on failure (disk full, I/O error) ROLLBACK so that nothing of
 * the transaction remains. */
gboolean
dx_ledger_commit(DxLedger *self, GError **error)
{
    /* head_pending stays set on success: the head this handle just left is
     * known without a read (a dropped connection cannot lose it) */
    if (!dx_store_commit(self->store)) {
        dx_ledger_fail(self, error, "cannot commit to the ledger");
        dx_ledger_rollback(self);
        return FALSE;
    }
    return TRUE;
}
