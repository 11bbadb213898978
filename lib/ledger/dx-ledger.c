/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxLedger (dx-ledger.h, dx-ledger-private.h): one SQLite file holding an
 * append-only table of entries and a meta table naming the format and its
 * version (3; version 2 files are still read and appended to in their own
 * encoding, see computed_fen below). An entry is one of three kinds:
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
 * computed_fen (the decision's computed amount, decisions.csv's column) is
 * in version 3 only: a version 2 file has no such field, and its decisions
 * are written and read without it, so its rounds cannot be exported
 * (dx_ledger_export_round). The canonical form below is the same in both.
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
 * elsewhere is for. A file of version 1 (one row per decision; none was
 * ever deployed) is refused, not converted.
 *
 * Everything that reads decisions (load_prior, get_charged_fen, revoke)
 * decodes bodies in C; only grants count, and an entry without any
 * (granted_fen = 0) is skipped unread.
 *
 * Concurrency is SQLite's: a round and a revocation run inside BEGIN
 * IMMEDIATE, so a second writer waits (busy timeout) for the first to
 * commit and then reads what it wrote. A round's decisions are buffered
 * here and written LEDGER_CHUNK at a time, all inside its transaction.
 * This file does not cache anything that lives in the database across
 * transactions.
 */
#include "duixian/dx-ledger.h"
#include "duixian/dx-error.h"
#include "duixian/dx-decision.h"
#include "ledger/dx-ledger-private.h"
#include "base/dx-out-private.h"
#include "base/dx-num-private.h"
#include "output/dx-summary-private.h"
#include "decide/dx-decision-private.h"
#include "rules/dx-ruleset-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LEDGER_FORMAT "duixian-ledger"
#define LEDGER_VERSION 3
/* The oldest version read (and appended to, in its own encoding). */
#define LEDGER_VERSION_MIN 2
#define LEDGER_HASH_DOMAIN "duixian-ledger/2\n"
#define LEDGER_BUSY_TIMEOUT_MS 30000
#define LEDGER_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
/* Decisions per decisions entry: big enough that per-row costs vanish,
 * small enough that an entry named by verify is a readable unit. */
#define LEDGER_CHUNK 4096
/* Canonical-form values at least this long go to the checksum directly
 * instead of through the canon buffer. */
#define LEDGER_CANON_DIRECT 1024

/* ORDER LedgerColumn: ledger_columns[] and the CREATE TABLE below list the
 * columns in this order, and the canonical form hashes them in it. */
typedef enum {
    COL_SEQ,
    COL_ROUND_ID,
    COL_KIND,
    COL_REF_SEQ,
    COL_REF_INDEX,
    COL_FUND_ID,
    COL_CREATED_AT,
    COL_APPROVAL_DATE,
    COL_APP_ID,
    COL_ENTERPRISE_ID,
    COL_POLICY_ID,
    COL_BUREAU,
    COL_ENVELOPE,
    COL_GROUP_KEY,
    COL_AWARD_FEN,
    COL_GRANTED_FEN,
    COL_DETAIL,
    COL_RULESET_SHA256,
    COL_INPUT_SHA256,
    COL_N_DECISIONS,
    COL_PREV_HASH,
    COL_HASH,          /* not hashed: it is the hash */
    COL_BODY,
    N_COLS
} LedgerColumn;

static const char *const ledger_columns[N_COLS] = {
    "seq", "round_id", "kind", "ref_seq", "ref_index", "fund_id", "created_at", "approval_date",
    "app_id", "enterprise_id", "policy_id", "bureau", "envelope", "group_key", "award_fen",
    "granted_fen", "detail", "ruleset_sha256", "input_sha256", "n_decisions", "prev_hash", "hash", "body",
};

/* The partial indexes serve, in turn: the round getters; load_prior and
 * get_charged_fen (their queries repeat an index's WHERE terms verbatim,
 * which is how SQLite knows it may use a partial index, and read in seq
 * order, which the index gives for free: rowid is its last column; an
 * ORDER BY it cannot serve would copy every body into a sorter); and
 * revoke's "which grants of this app are already revoked". Decisions
 * entries are few (one per LEDGER_CHUNK decisions), so revoke reads them
 * all. */
static const char ledger_schema_sql[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) VALUES ('format', '" LEDGER_FORMAT "'), ('version', '" G_STRINGIFY(LEDGER_VERSION) "');"
    "CREATE TABLE entries ("
    " seq INTEGER PRIMARY KEY,"        /* 1, 2, 3, ... */
    " round_id INTEGER NOT NULL,"      /* seq of the round's header; a revoke: the revoked grant's round */
    " kind TEXT NOT NULL CHECK (kind IN ('round', 'decisions', 'revoke')),"
    " ref_seq INTEGER NOT NULL,"       /* revoke: the decisions entry holding the grant; else 0 */
    " ref_index INTEGER NOT NULL,"     /* revoke: the grant's place in that entry, from 0; else 0 */
    " fund_id TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"       /* ISO-8601 UTC, when the entry was written */
    " approval_date TEXT NOT NULL,"
    " app_id TEXT NOT NULL,"
    " enterprise_id TEXT NOT NULL,"
    " policy_id TEXT NOT NULL,"
    " bureau TEXT NOT NULL,"
    " envelope TEXT NOT NULL,"
    " group_key TEXT NOT NULL,"
    " award_fen INTEGER NOT NULL,"     /* decisions: their sum; revoke: the award reversed */
    " granted_fen INTEGER NOT NULL,"   /* round, decisions: their total; revoke: the amount returned */
    " detail TEXT NOT NULL,"           /* round: params JSON; revoke: the reason */
    " ruleset_sha256 TEXT NOT NULL,"
    " input_sha256 TEXT NOT NULL,"
    " n_decisions INTEGER NOT NULL,"   /* round: the round's; decisions: the entry's */
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL,"
    " body BLOB NOT NULL);"            /* decisions: the encoded decisions; else empty */
    "CREATE INDEX entries_rounds ON entries (seq) WHERE kind = 'round';"
    "CREATE INDEX entries_grants ON entries (fund_id, kind) WHERE kind <> 'round' AND granted_fen > 0;"
    "CREATE INDEX entries_revoked ON entries (app_id) WHERE kind = 'revoke';"
    "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
    "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;"
    "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;"
    "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta is read-only'); END;";

/* The values of one entry to append; strings and body are borrowed. */
typedef struct {
    gint64 round_id;
    const char *kind;
    gint64 ref_seq, ref_index;
    const char *fund_id, *created_at, *approval_date;
    const char *app_id, *enterprise_id, *policy_id, *bureau, *envelope, *group_key;
    gint64 award_fen, granted_fen;
    const char *detail, *ruleset_sha256, *input_sha256;
    gint64 n_decisions;
    const guint8 *body;
    gsize body_len;
} LedgerEntry;

/* A growable byte buffer; the encoder reserves, then writes raw. */
typedef struct {
    guint8 *data;
    gsize len, cap;
} LedgerBuf;

/* ORDER LedgerClassField: the class grammar in the top comment. */
typedef enum {
    CLASS_POLICY_ID,
    CLASS_BUREAU,
    CLASS_ENVELOPE,
    CLASS_GROUP_KEY,
    CLASS_STATUS,
    CLASS_REASONS,
    N_CLASS_FIELDS
} LedgerClassField;

/* A class of the entry being encoded: where its encoding sits in
 * class_keys, and its hash. */
typedef struct {
    gsize offset, len;
    guint32 hash;
} LedgerClassKey;

struct _DxLedger {
    sqlite3 *db;
    char *name;                /* the path for messages */
    gboolean readonly;
    guint version;             /* the file's meta version: 2 or 3 */
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

    /* The decisions not yet written: one entry's body in the making. The
     * class table finds a class's number by its encoding (open
     * addressing over class_slots, LEDGER_CHUNK * 2 of them: at most half
     * full, since an entry has at most LEDGER_CHUNK classes). */
    LedgerBuf chunk;
    guint chunk_n;
    int64_t chunk_award, chunk_granted;
    LedgerBuf class_keys;      /* the classes' encodings, back to back */
    LedgerClassKey *classes;   /* [LEDGER_CHUNK], class k at k - 1 */
    guint32 n_classes;
    guint32 *class_slots;      /* class number, 0 for empty */
    LedgerBuf class_scratch;   /* the class being looked up */

    /* Decoding: the classes of the entry being read, and NUL-terminated
     * copies of the strings that leave this file. */
    GArray *read_classes;      /* LedgerClass */
    GStringChunk *read_strings;
    GString *read_app, *read_enterprise;
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

/* ------------------------------------------------------- canonical form */

static void
ledger_canon_begin(DxLedger *self)
{
    g_checksum_reset(self->sha);
    g_string_truncate(self->canon, 0);
    g_string_append(self->canon, LEDGER_HASH_DOMAIN);
}

static void
ledger_canon_field(DxLedger *self, char tag, const void *bytes, gsize len)
{
    GString *c = self->canon;
    char num[24];
    gsize n = ledger_format_u64(num, len);

    g_string_append_c(c, tag);
    g_string_append_len(c, num, (gssize)n);
    g_string_append_c(c, ':');
    if (len >= LEDGER_CANON_DIRECT) {
        /* a body: hashed where it lies rather than copied */
        g_checksum_update(self->sha, (const guchar *)c->str, (gssize)c->len);
        g_string_truncate(c, 0);
        g_checksum_update(self->sha, bytes, (gssize)len);
    } else if (len > 0) {
        g_string_append_len(c, bytes, (gssize)len);
    }
}

static void
ledger_canon_int(DxLedger *self, gint64 v)
{
    char num[24];
    gsize n = ledger_format_i64(num, v);

    ledger_canon_field(self, 'i', num, n);
}

/* Adds column @col of the current row of @st, by its storage type. */
static void
ledger_canon_column(DxLedger *self, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
        ledger_canon_int(self, sqlite3_column_int64(st, col));
        break;
    case SQLITE_FLOAT: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_ascii_formatd(buf, sizeof buf, "%.17g", sqlite3_column_double(st, col));
        ledger_canon_field(self, 'f', buf, strlen(buf));
        break;
    }
    case SQLITE_BLOB: {
        const void *b = sqlite3_column_blob(st, col);

        ledger_canon_field(self, 'b', b, (gsize)sqlite3_column_bytes(st, col));
        break;
    }
    case SQLITE_NULL:
        ledger_canon_field(self, 'n', NULL, 0);
        break;
    default: { /* SQLITE_TEXT */
        const char *t = (const char *)sqlite3_column_text(st, col);

        ledger_canon_field(self, 't', t, (gsize)sqlite3_column_bytes(st, col));
        break;
    }
    }
}

static void
ledger_canon_end(DxLedger *self, char out[65])
{
    g_checksum_update(self->sha, (const guchar *)self->canon->str, (gssize)self->canon->len);
    memcpy(out, g_checksum_get_string(self->sha), 65);
}

/* ------------------------------------------------------------- encoding */

static void
ledger_buf_reserve(LedgerBuf *b, gsize n)
{
    if (b->cap - b->len >= n)
        return;
    b->cap = MAX(b->cap * 2, b->len + n);
    b->data = g_realloc(b->data, b->cap);
}

static void
ledger_buf_clear(LedgerBuf *b)
{
    g_clear_pointer(&b->data, g_free);
    b->len = b->cap = 0;
}

/* The longest uint: 64 bits at 7 a byte. */
#define LEDGER_UINT_MAX_BYTES 10

/* Writes @v as a uint at @p (LEDGER_UINT_MAX_BYTES reserved); returns the
 * end. */
static guint8 *
ledger_put_uint(guint8 *p, guint64 v)
{
    while (v >= 0x80) {
        *p++ = (guint8)(v | 0x80);
        v >>= 7;
    }
    *p++ = (guint8)v;
    return p;
}

static guint8 *
ledger_put_str(guint8 *p, const char *s, gsize len)
{
    p = ledger_put_uint(p, len);
    memcpy(p, s, len);
    return p + len;
}

/* FNV-1a: classes are short and few, so a simple hash does. */
static guint32
ledger_class_hash(const guint8 *p, gsize len)
{
    guint32 h = 2166136261u;

    for (gsize i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void
ledger_chunk_reset(DxLedger *self)
{
    self->chunk.len = 0;
    self->chunk_n = 0;
    self->chunk_award = self->chunk_granted = 0;
    self->class_keys.len = 0;
    if (self->n_classes > 0)
        memset(self->class_slots, 0, sizeof(guint32) * LEDGER_CHUNK * 2);
    self->n_classes = 0;
}

/* Appends @d to the entry being built. */
static void
ledger_chunk_add(DxLedger *self, const DxLedgerDecisionInfo *d)
{
    const char *fields[N_CLASS_FIELDS] = {
        [CLASS_POLICY_ID] = d->policy_id, [CLASS_BUREAU] = d->bureau, [CLASS_ENVELOPE] = d->envelope,
        [CLASS_GROUP_KEY] = d->group_key, [CLASS_STATUS] = d->status, [CLASS_REASONS] = d->reasons,
    };
    const char *schedule = d->schedule != NULL ? d->schedule : "";
    gsize app_len = strlen(d->app_id), ent_len = strlen(d->enterprise_id), sched_len = strlen(schedule);
    LedgerBuf *key = &self->class_scratch;
    guint32 hash, mask = LEDGER_CHUNK * 2 - 1, slot, k;
    guint8 *p;

    /* the class's encoding is its key */
    key->len = 0;
    for (int f = 0; f < N_CLASS_FIELDS; f++) {
        const char *s = fields[f] != NULL ? fields[f] : "";
        gsize len = strlen(s);

        ledger_buf_reserve(key, LEDGER_UINT_MAX_BYTES + len);
        key->len = (gsize)(ledger_put_str(key->data + key->len, s, len) - key->data);
    }
    hash = ledger_class_hash(key->data, key->len);
    for (slot = hash & mask;; slot = (slot + 1) & mask) {
        const LedgerClassKey *c;

        k = self->class_slots[slot];
        if (k == 0)
            break;
        c = &self->classes[k - 1];
        if (c->hash == hash && c->len == key->len && memcmp(self->class_keys.data + c->offset, key->data, key->len) == 0)
            break;
    }

    ledger_buf_reserve(&self->chunk, 7 * LEDGER_UINT_MAX_BYTES + app_len + ent_len + sched_len + key->len);
    p = self->chunk.data + self->chunk.len;
    p = ledger_put_str(p, d->app_id, app_len);
    p = ledger_put_str(p, d->enterprise_id, ent_len);
    if (k != 0) {
        p = ledger_put_uint(p, k);
    } else {
        LedgerClassKey *c = &self->classes[self->n_classes++];

        c->offset = self->class_keys.len;
        c->len = key->len;
        c->hash = hash;
        ledger_buf_reserve(&self->class_keys, key->len);
        memcpy(self->class_keys.data + c->offset, key->data, key->len);
        self->class_keys.len += key->len;
        self->class_slots[slot] = self->n_classes;
        *p++ = 0;
        memcpy(p, key->data, key->len);
        p += key->len;
    }
    p = ledger_put_uint(p, (guint64)d->award_fen);
    p = ledger_put_uint(p, (guint64)d->granted_fen);
    if (self->version >= 3)
        p = ledger_put_uint(p, (guint64)MAX(d->computed_fen, 0));
    p = ledger_put_str(p, schedule, sched_len);
    self->chunk.len = (gsize)(p - self->chunk.data);
    self->chunk_n++;
    self->chunk_award += d->award_fen;
    self->chunk_granted += d->granted_fen;
}

/* ------------------------------------------------------------- decoding */

/* A string inside a body: not NUL-terminated. */
typedef struct {
    const char *str;
    gsize len;
} LedgerStr;

/* A class read back: its fields, NUL-terminated copies in read_strings. */
typedef struct {
    const char *c[N_CLASS_FIELDS];
} LedgerClass;

typedef struct {
    LedgerStr app_id, enterprise_id, schedule;
    const LedgerClass *cls;          /* valid until the reader moves to another entry */
    guint64 award_fen, granted_fen;
    guint64 computed_fen;            /* 0 in a version 2 file */
} LedgerRecord;

typedef struct {
    DxLedger *ledger;
    const guint8 *start, *p, *end;
    guint64 n_read;                  /* decisions decoded so far */
} LedgerReader;

static const guint8 ledger_empty_body[1];

static void
ledger_reader_init(LedgerReader *r, DxLedger *self, const void *body, gsize len)
{
    r->ledger = self;
    r->start = r->p = body != NULL ? body : ledger_empty_body;
    r->end = r->start + (body != NULL ? len : 0);
    r->n_read = 0;
    g_array_set_size(self->read_classes, 0);
    g_string_chunk_clear(self->read_strings);
}

static gboolean
ledger_read_uint(LedgerReader *r, guint64 *v)
{
    guint64 x = 0;

    for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
        guint8 b = *r->p++;

        if (shift == 63 && b > 1)
            return FALSE;   /* more than 64 bits */
        x |= (guint64)(b & 0x7f) << shift;
        if (b < 0x80) {
            *v = x;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean
ledger_read_str(LedgerReader *r, LedgerStr *s)
{
    guint64 len;

    if (!ledger_read_uint(r, &len) || len > (guint64)(r->end - r->p))
        return FALSE;
    s->str = (const char *)r->p;
    s->len = (gsize)len;
    r->p += len;
    return TRUE;
}

static gboolean
ledger_read_amount(LedgerReader *r, guint64 *v)
{
    return ledger_read_uint(r, v) && *v <= (guint64)G_MAXINT64;
}

/* Decodes the next decision; FALSE if the body is malformed there. */
static gboolean
ledger_read_decision(LedgerReader *r, LedgerRecord *d)
{
    GArray *classes = r->ledger->read_classes;
    guint64 k;

    if (!ledger_read_str(r, &d->app_id) || !ledger_read_str(r, &d->enterprise_id) || !ledger_read_uint(r, &k))
        return FALSE;
    if (k == 0) {
        LedgerClass c;

        for (int f = 0; f < N_CLASS_FIELDS; f++) {
            LedgerStr field;

            if (!ledger_read_str(r, &field))
                return FALSE;
            c.c[f] = g_string_chunk_insert_len(r->ledger->read_strings, field.str, (gssize)field.len);
        }
        g_array_append_val(classes, c);
        k = classes->len;
    } else if (k > classes->len) {
        return FALSE;
    }
    d->cls = &g_array_index(classes, LedgerClass, k - 1);
    d->computed_fen = 0;
    if (!ledger_read_amount(r, &d->award_fen) || !ledger_read_amount(r, &d->granted_fen) ||
        (r->ledger->version >= 3 && !ledger_read_amount(r, &d->computed_fen)) || !ledger_read_str(r, &d->schedule))
        return FALSE;
    r->n_read++;
    return TRUE;
}

/* NUL-terminated copy of @s in @buf, valid until @buf changes. */
static const char *
ledger_cstr(GString *buf, LedgerStr s)
{
    g_string_truncate(buf, 0);
    g_string_append_len(buf, s.str, (gssize)s.len);
    return buf->str;
}

static gboolean
ledger_str_equal(LedgerStr s, const char *c, gsize len)
{
    return s.len == len && memcmp(s.str, c, len) == 0;
}

/* The decisions entries of interest, for the readers below: the columns
 * their queries select, in this order. */
#define LEDGER_CHUNK_COLUMNS "seq, round_id, n_decisions, fund_id, approval_date, body"
enum { CHUNK_SEQ, CHUNK_ROUND_ID, CHUNK_N_DECISIONS, CHUNK_FUND_ID, CHUNK_APPROVAL_DATE, CHUNK_BODY };

/* Called for each decision with money of the entry on the current row of
 * the statement; FALSE stops the walk (error set). */
typedef gboolean (*LedgerGrantFunc)(DxLedger *self, sqlite3_stmt *st, guint64 index, const LedgerRecord *d,
                                    gpointer user_data, GError **error);

/* Walks the decisions entries @st yields (LEDGER_CHUNK_COLUMNS), calling
 * @func for each grant. */
static gboolean
ledger_walk_grants(DxLedger *self, sqlite3_stmt *st, LedgerGrantFunc func, gpointer user_data, GError **error)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 n = sqlite3_column_int64(st, CHUNK_N_DECISIONS);
        const void *body = sqlite3_column_blob(st, CHUNK_BODY);   /* before _bytes, as SQLite asks */
        LedgerReader r;
        LedgerRecord d;

        ledger_reader_init(&r, self, body, (gsize)sqlite3_column_bytes(st, CHUNK_BODY));
        for (gint64 i = 0; i < n; i++) {
            if (!ledger_read_decision(&r, &d)) {
                g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                            "%s: entry %" G_GINT64_FORMAT ": decision %" G_GINT64_FORMAT " of the entry cannot be"
                            " decoded (run verify)",
                            self->name, (gint64)sqlite3_column_int64(st, CHUNK_SEQ), i + 1);
                return FALSE;
            }
            if (d.granted_fen > 0 && !func(self, st, (guint64)i, &d, user_data, error))
                return FALSE;
        }
    }
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
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
    ledger_canon_int(self, v);
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
    ledger_canon_field(self, 't', v, len);
}

static void
ledger_put_blob(DxLedger *self, LedgerColumn col, const guint8 *v, gsize len)
{
    /* never a NULL pointer: that would bind NULL, not an empty blob */
    if (v == NULL || len == 0)
        v = ledger_empty_body;
    sqlite3_bind_blob64(self->insert, (int)col + 1, v, len, SQLITE_STATIC);
    ledger_canon_field(self, 'b', v, len);
}

/* Appends @e after the head, inside the caller's transaction. */
static gboolean
ledger_append(DxLedger *self, const LedgerEntry *e, gint64 *seq_out, GError **error)
{
    gint64 seq = self->head_seq + 1;
    char hash[65];
    int rc;

    ledger_canon_begin(self);
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
    ledger_canon_end(self, hash);
    sqlite3_bind_text(self->insert, COL_HASH + 1, hash, 64, SQLITE_STATIC);

    rc = sqlite3_step(self->insert);
    if (rc != SQLITE_DONE)
        ledger_fail(self, error, "cannot append to the ledger");
    sqlite3_reset(self->insert);
    sqlite3_clear_bindings(self->insert);   /* the borrowed values die with the caller */
    if (rc != SQLITE_DONE)
        return FALSE;
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
        self->version = LEDGER_VERSION;   /* what ledger_create_schema writes */
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
        if (v > LEDGER_VERSION) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: ledger schema version %" G_GUINT64_FORMAT " was written by a newer duixian"
                        " (this one reads version %d)",
                        self->name, v, LEDGER_VERSION);
            return FALSE;
        }
        if (v < LEDGER_VERSION_MIN) {
            /* version 1 (one row per decision) never left development */
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: ledger schema version %" G_GUINT64_FORMAT " is an older format this duixian"
                        " no longer reads (it reads versions %d to %d); start a new ledger file",
                        self->name, v, LEDGER_VERSION_MIN, LEDGER_VERSION);
            return FALSE;
        }
        self->version = (guint)v;
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
    /* persistent: every entry of every round reuses it */
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
    self->read_classes = g_array_new(FALSE, FALSE, sizeof(LedgerClass));
    self->read_strings = g_string_chunk_new(1024);
    self->read_app = g_string_sized_new(64);
    self->read_enterprise = g_string_sized_new(64);

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
     * keeps a million-decision round (some 60 MB) from spilling pages
     * mid-transaction, and the size limit keeps a journal from staying at
     * its peak size. */
    if (!ledger_exec(self,
                     "PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;"
                     " PRAGMA journal_size_limit = 67108864",
                     "cannot configure the ledger", error))
        return NULL;
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
    sqlite3 *db = NULL;

    /* A writer killed mid-transaction leaves a hot journal that only a
     * read-write connection may roll back; a read-only one would then fail
     * with "attempt to write a readonly database". So when the file is
     * writable, let SQLite recover it first (reading the schema is enough),
     * then open read-only. On read-only media this is skipped. */
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 30000);
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    sqlite3_close(db);
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
    if (self->class_slots != NULL)
        ledger_chunk_reset(self);
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
    ledger_buf_clear(&self->chunk);
    ledger_buf_clear(&self->class_keys);
    ledger_buf_clear(&self->class_scratch);
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

/* Grants and revocations share entries_grants; these WHERE terms repeat
 * its own, so that SQLite uses it. */
#define LEDGER_GRANTS_WHERE "WHERE kind <> 'round' AND granted_fen > 0 AND fund_id = ?1"

static gboolean
ledger_prior_grant(DxLedger *self, sqlite3_stmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                   GError **error)
{
    DxPriorBook *book = user_data;

    dx_prior_book_add_paid_app(book, ledger_cstr(self->read_app, d->app_id));
    dx_prior_book_add_award(book, ledger_cstr(self->read_enterprise, d->enterprise_id),
                            d->cls->c[CLASS_POLICY_ID], d->cls->c[CLASS_GROUP_KEY], (int64_t)d->award_fen,
                            (int64_t)d->granted_fen, 1);
    dx_prior_book_add_envelope_charge(book, d->cls->c[CLASS_ENVELOPE], (int64_t)d->granted_fen);
    return TRUE;
}

gboolean
dx_ledger_load_prior(DxLedger *self, const char *fund_id, DxPriorBook *book, GError **error)
{
    static const char chunks_sql[] =
        "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries " LEDGER_GRANTS_WHERE " AND kind = 'decisions' ORDER BY seq";
    static const char revokes_sql[] =
        "SELECT enterprise_id, policy_id, group_key, envelope, award_fen, granted_fen FROM entries "
        LEDGER_GRANTS_WHERE " AND kind = 'revoke'";
    sqlite3_stmt *st;
    gboolean ok;
    int rc;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round, FALSE);   /* what it reads must not change before commit */
    g_return_val_if_fail(fund_id != NULL, FALSE);
    g_return_val_if_fail(book != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    st = ledger_prepare(self, chunks_sql, error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
    ok = ledger_walk_grants(self, st, ledger_prior_grant, book, error);
    sqlite3_finalize(st);
    if (!ok)
        return FALSE;

    /* a revocation undoes its grant: money back, no longer taken */
    st = ledger_prepare(self, revokes_sql, error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t award = sqlite3_column_int64(st, 4), granted = sqlite3_column_int64(st, 5);

        dx_prior_book_add_award(book, (const char *)sqlite3_column_text(st, 0),
                                (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                                -award, -granted, -1);
        dx_prior_book_add_envelope_charge(book, (const char *)sqlite3_column_text(st, 3), -granted);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");
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

/* Writes the buffered decisions, if any, as one decisions entry. */
static gboolean
ledger_flush_chunk(DxLedger *self, GError **error)
{
    LedgerEntry e = {
        .round_id = self->round_id,
        .kind = "decisions",
        .fund_id = self->round_fund_id,
        .created_at = self->round_created_at,
        .approval_date = self->round_approval_date,
        .award_fen = self->chunk_award,
        .granted_fen = self->chunk_granted,
        .n_decisions = self->chunk_n,
        .body = self->chunk.data,
        .body_len = self->chunk.len,
    };
    gboolean ok;

    if (self->chunk_n == 0)
        return TRUE;
    ok = ledger_append(self, &e, NULL, error);
    ledger_chunk_reset(self);
    if (!ok)
        self->round_failed = TRUE;
    return ok;
}

static gboolean
ledger_round_failed(DxLedger *self, GError **error)
{
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: an entry of this round could not be written", self->name);
    return FALSE;
}

gboolean
dx_ledger_add_decision(DxLedger *self, gint64 round_id, const DxLedgerDecisionInfo *info, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(self->in_round && self->round_id != 0 && round_id == self->round_id, FALSE);
    g_return_val_if_fail(info != NULL && info->app_id != NULL && info->enterprise_id != NULL, FALSE);
    g_return_val_if_fail(info->award_fen >= 0 && info->granted_fen >= 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (self->round_failed)
        return ledger_round_failed(self, error);
    /* the sums stay exact: commit compares them with the header */
    if (info->granted_fen > G_MAXINT64 - self->round_granted || info->award_fen > G_MAXINT64 - self->chunk_award) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the round's amounts overflow", self->name);
        self->round_failed = TRUE;
        return FALSE;
    }
    ledger_chunk_add(self, info);
    self->round_n++;
    self->round_granted += info->granted_fen;
    if (self->chunk_n == LEDGER_CHUNK)
        return ledger_flush_chunk(self, error);
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
        ledger_round_failed(self, error);
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
    } else if (!ledger_flush_chunk(self, error)) {
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
    gint64 seq, index, round_id, award_fen, granted_fen;
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

typedef struct {
    const char *app_id;
    gsize app_len;
    GArray *revoked;    /* gint64 pairs: ref_seq, ref_index of the app's revocations */
    GArray *out;        /* LedgerGrant */
} LedgerLiveScan;

static gboolean
ledger_live_grant(DxLedger *self, sqlite3_stmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                  GError **error)
{
    LedgerLiveScan *scan = user_data;
    gint64 seq = sqlite3_column_int64(st, CHUNK_SEQ);
    LedgerGrant g;

    if (!ledger_str_equal(d->app_id, scan->app_id, scan->app_len))
        return TRUE;
    for (guint i = 0; i + 1 < scan->revoked->len; i += 2) {
        if (g_array_index(scan->revoked, gint64, i) == seq &&
            g_array_index(scan->revoked, gint64, i + 1) == (gint64)index)
            return TRUE;
    }
    g = (LedgerGrant){
        .seq = seq,
        .index = (gint64)index,
        .round_id = sqlite3_column_int64(st, CHUNK_ROUND_ID),
        .award_fen = (gint64)d->award_fen,
        .granted_fen = (gint64)d->granted_fen,
        .fund_id = g_strdup((const char *)sqlite3_column_text(st, CHUNK_FUND_ID)),
        .approval_date = g_strdup((const char *)sqlite3_column_text(st, CHUNK_APPROVAL_DATE)),
        .enterprise_id = g_strndup(d->enterprise_id.str, d->enterprise_id.len),
        .policy_id = g_strdup(d->cls->c[CLASS_POLICY_ID]),
        .bureau = g_strdup(d->cls->c[CLASS_BUREAU]),
        .envelope = g_strdup(d->cls->c[CLASS_ENVELOPE]),
        .group_key = g_strdup(d->cls->c[CLASS_GROUP_KEY]),
    };
    g_array_append_val(scan->out, g);
    return TRUE;
}

/* The live grants of @app_id, collected before anything is appended.
 * Revocations are rare, so this reads every decisions entry with money. */
static gboolean
ledger_live_grants(DxLedger *self, const char *app_id, GArray *out, GError **error)
{
    g_autoptr(GArray) revoked = g_array_new(FALSE, FALSE, sizeof(gint64));
    LedgerLiveScan scan = { .app_id = app_id, .app_len = strlen(app_id), .revoked = revoked, .out = out };
    sqlite3_stmt *st;
    gboolean ok;
    int rc;

    st = ledger_prepare(self, "SELECT ref_seq, ref_index FROM entries WHERE kind = 'revoke' AND app_id = ?1", error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_text(st, 1, app_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 ref[2] = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1) };

        g_array_append_vals(revoked, ref, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ledger_fail(self, error, "cannot read the ledger");

    st = ledger_prepare(self,
                        "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries WHERE kind = 'decisions' AND granted_fen > 0"
                        " ORDER BY seq",
                        error);
    if (st == NULL)
        return FALSE;
    ok = ledger_walk_grants(self, st, ledger_live_grant, &scan, error);
    sqlite3_finalize(st);
    return ok;
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
            .ref_index = g->index,
            .fund_id = g->fund_id,
            .created_at = now,
            .approval_date = g->approval_date,
            .app_id = app_id,
            .enterprise_id = g->enterprise_id,
            .policy_id = g->policy_id,
            .bureau = g->bureau,
            .envelope = g->envelope,
            .group_key = g->group_key,
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

/* "entry 42 (round 3, revoke WC-0007 FIN-HQ)"; a decisions entry names
 * its decisions by their place in the round, from @first. */
static void
ledger_describe(GString *out, sqlite3_stmt *st, guint64 first)
{
    const char *kind = (const char *)sqlite3_column_text(st, COL_KIND);
    const int cols[] = { COL_KIND, COL_APP_ID, COL_POLICY_ID };

    g_string_append_printf(out, "entry %" G_GINT64_FORMAT " (round %" G_GINT64_FORMAT ",",
                           (gint64)sqlite3_column_int64(st, COL_SEQ), (gint64)sqlite3_column_int64(st, COL_ROUND_ID));
    if (g_strcmp0(kind, "decisions") == 0) {
        gint64 n = sqlite3_column_int64(st, COL_N_DECISIONS);

        if (n > 0)
            g_string_append_printf(out, " decisions %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")", first,
                                   first + (guint64)n - 1);
        else
            g_string_append(out, " decisions)");
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(cols); i++) {
        const char *t = (const char *)sqlite3_column_text(st, cols[i]);

        if (t != NULL && *t != '\0')
            g_string_append_printf(out, " %s", t);
    }
    g_string_append(out, ")");
}

/* Adds @v to @sum unless that overflows or @v is negative. */
static gboolean
ledger_sum(gint64 *sum, gint64 v)
{
    if (v < 0 || *sum > G_MAXINT64 - v)
        return FALSE;
    *sum += v;
    return TRUE;
}

/* Decodes the body of the decisions entry on the current row; on failure
 * appends why to @what (which the caller prefixed), naming the decision
 * by its place in the round (from @first). */
static gboolean
ledger_check_chunk(DxLedger *self, sqlite3_stmt *st, guint64 first, GString *what)
{
    gint64 n = sqlite3_column_int64(st, COL_N_DECISIONS);
    gint64 award = 0, granted = 0;
    gboolean overflow = FALSE;
    const void *body;
    LedgerReader r;
    LedgerRecord d;

    body = sqlite3_column_blob(st, COL_BODY);   /* before _bytes, as SQLite asks */
    ledger_reader_init(&r, self, body, (gsize)sqlite3_column_bytes(st, COL_BODY));
    for (gint64 i = 0; i < n; i++) {
        const guint8 *at = r.p;

        if (!ledger_read_decision(&r, &d)) {
            g_string_append_printf(what, "decision %" G_GUINT64_FORMAT " cannot be decoded at byte %" G_GSIZE_FORMAT
                                   " of the body",
                                   first + (guint64)i, (gsize)(at - r.start));
            return FALSE;
        }
        overflow |= !ledger_sum(&award, (gint64)d.award_fen) || !ledger_sum(&granted, (gint64)d.granted_fen);
    }
    if (r.p != r.end) {
        g_string_append_printf(what, "bytes follow its last decision, from byte %" G_GSIZE_FORMAT " of the body",
                               (gsize)(r.p - r.start));
        return FALSE;
    }
    if (overflow || award != sqlite3_column_int64(st, COL_AWARD_FEN) ||
        granted != sqlite3_column_int64(st, COL_GRANTED_FEN)) {
        g_string_append(what, "its decisions do not add up to its award_fen and granted_fen");
        return FALSE;
    }
    return TRUE;
}

/* What verify knows of the round whose decisions entries it is reading. */
typedef struct {
    gboolean open;             /* a header was read, and no other kind since */
    gint64 id;
    char *describe;            /* its header's "entry N (...)" */
    gint64 declared_n, declared_granted;
    gint64 n, granted;         /* in its decisions entries so far */
    gboolean overflow;
} LedgerVerifyRound;

/* The round ends (another kind of entry, or the end): its entries must
 * hold what its header declares. */
static gboolean
ledger_close_round(LedgerVerifyRound *round, GString **what)
{
    gboolean ok = !round->open ||
                  (!round->overflow && round->n == round->declared_n && round->granted == round->declared_granted);

    if (!ok)
        *what = g_string_new(NULL);
    if (!ok && round->overflow)
        g_string_printf(*what, "%s: its decisions entries overflow their sums", round->describe);
    else if (!ok)
        g_string_printf(*what,
                        "%s: the round declares %" G_GINT64_FORMAT " decisions granting %" G_GINT64_FORMAT
                        " fen, but the decisions entries after it hold %" G_GINT64_FORMAT " granting %" G_GINT64_FORMAT
                        " fen",
                        round->describe, round->declared_n, round->declared_granted, round->n, round->granted);
    round->open = FALSE;
    g_clear_pointer(&round->describe, g_free);
    return ok;
}

gboolean
dx_ledger_verify(DxLedger *self, uint64_t *n_entries, GError **error)
{
    g_autoptr(GString) sql = g_string_new("SELECT ");
    g_autoptr(GString) what = NULL;
    LedgerVerifyRound round = { 0 };
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
        gboolean is_chunk = g_strcmp0((const char *)sqlite3_column_text(st, COL_KIND), "decisions") == 0;
        guint64 first = round.open ? (guint64)round.n + 1 : 1;
        const char *stored;

        if (seq != expected) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            if (seq > expected)
                g_string_append_printf(what, ": entry %" G_GINT64_FORMAT " is missing", expected);
            else
                g_string_append_printf(what, ": out of sequence (expected entry %" G_GINT64_FORMAT ")", expected);
            break;
        }
        if (sqlite3_column_type(st, COL_PREV_HASH) != SQLITE_TEXT || strcmp(prev_hash, prev) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, expected == 1 ? ": prev_hash is not the chain's start"
                                                : ": prev_hash does not match the previous entry's hash");
            break;
        }
        ledger_canon_begin(self);
        for (int c = 0; c < N_COLS; c++) {
            if (c != COL_HASH)
                ledger_canon_column(self, st, c);
        }
        ledger_canon_end(self, hash);
        stored = (const char *)sqlite3_column_text(st, COL_HASH);
        if (sqlite3_column_type(st, COL_HASH) != SQLITE_TEXT || strcmp(stored, hash) != 0) {
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, ": hash does not match");
            if (is_chunk) {
                /* a hint at where, if the edit broke the encoding */
                g_autoptr(GString) hint = g_string_new(" (");

                if (!ledger_check_chunk(self, st, first, hint))
                    g_string_append_printf(what, "%s)", hint->str);
            }
            break;
        }
        if (is_chunk) {
            if (!round.open || sqlite3_column_int64(st, COL_ROUND_ID) != round.id) {
                what = g_string_new(NULL);
                ledger_describe(what, st, first);
                g_string_append(what, ": not part of the round before it");
                break;
            }
            what = g_string_new(NULL);
            ledger_describe(what, st, first);
            g_string_append(what, ": ");
            if (!ledger_check_chunk(self, st, first, what))
                break;
            g_string_free(g_steal_pointer(&what), TRUE);
            round.overflow |= !ledger_sum(&round.n, sqlite3_column_int64(st, COL_N_DECISIONS)) ||
                              !ledger_sum(&round.granted, sqlite3_column_int64(st, COL_GRANTED_FEN));
        } else {
            if (!ledger_close_round(&round, &what))
                break;
            if (g_strcmp0((const char *)sqlite3_column_text(st, COL_KIND), "round") == 0) {
                g_autoptr(GString) d = g_string_new(NULL);

                ledger_describe(d, st, 1);
                round = (LedgerVerifyRound){
                    .open = TRUE,
                    .id = seq,
                    .describe = g_string_free(g_steal_pointer(&d), FALSE),
                    .declared_n = sqlite3_column_int64(st, COL_N_DECISIONS),
                    .declared_granted = sqlite3_column_int64(st, COL_GRANTED_FEN),
                };
            }
        }
        memcpy(prev, hash, 65);
        expected++;
        n++;
    }
    sqlite3_finalize(st);
    if (what == NULL && rc == SQLITE_DONE)
        ledger_close_round(&round, &what);
    g_clear_pointer(&round.describe, g_free);
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

typedef struct {
    const char *envelope;
    int64_t sum;
} LedgerChargeScan;

static gboolean
ledger_charge_grant(DxLedger *self, sqlite3_stmt *st, guint64 index, const LedgerRecord *d, gpointer user_data,
                    GError **error)
{
    LedgerChargeScan *scan = user_data;

    if (strcmp(d->cls->c[CLASS_ENVELOPE], scan->envelope) == 0)
        scan->sum += (int64_t)d->granted_fen;
    return TRUE;
}

int64_t
dx_ledger_get_charged_fen(DxLedger *self, const char *fund_id, const char *envelope)
{
    g_autoptr(GError) local = NULL;
    LedgerChargeScan scan = { .envelope = envelope };
    sqlite3_stmt *st;
    gboolean ok;
    int rc;

    g_return_val_if_fail(self != NULL, 0);
    g_return_val_if_fail(fund_id != NULL && envelope != NULL, 0);

    st = ledger_prepare_or_warn(self, "SELECT " LEDGER_CHUNK_COLUMNS " FROM entries " LEDGER_GRANTS_WHERE
                                      " AND kind = 'decisions' ORDER BY seq");
    if (st == NULL)
        return 0;
    sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
    ok = ledger_walk_grants(self, st, ledger_charge_grant, &scan, &local);
    sqlite3_finalize(st);
    if (!ok) {
        g_warning("%s", local->message);
        return 0;
    }

    st = ledger_prepare_or_warn(self, "SELECT coalesce(SUM(granted_fen), 0) FROM entries " LEDGER_GRANTS_WHERE
                                      " AND kind = 'revoke' AND envelope = ?2");
    if (st == NULL)
        return 0;
    sqlite3_bind_text(st, 1, fund_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, envelope, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        scan.sum -= sqlite3_column_int64(st, 0);
    else
        g_warning("%s: cannot read the ledger: %s", self->name, sqlite3_errmsg(self->db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? scan.sum : 0;
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

/* ----------------------------------------------------------------- export */

/* Output files go through dx-out (temporary file, rename into place). */
static gboolean
ledger_out_open(DxOutFile *o, const char *dir, const char *name, const char *header, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return dx_out_open(o, path, header, error);
}

/* The integer "KEY":n inside the object "OBJECT":{...} of a round's params
 * (our own compact JSON: no spaces, no nested objects there). */
static gboolean
ledger_params_int(const char *params, const char *object, const char *key, gint64 *out)
{
    g_autofree char *opat = g_strdup_printf("\"%s\":{", object);
    g_autofree char *kpat = g_strdup_printf("\"%s\":", key);
    const char *p = params != NULL ? strstr(params, opat) : NULL;
    const char *end, *k;

    if (p == NULL)
        return FALSE;
    p += strlen(opat);
    end = strchr(p, '}');
    if (end == NULL)
        return FALSE;
    for (k = strstr(p, kpat); k != NULL && k < end; k = strstr(k + 1, kpat)) {
        if (k == p || k[-1] == ',') {
            char *stop = NULL;

            *out = g_ascii_strtoll(k + strlen(kpat), &stop, 10);
            return stop != NULL && (*stop == ',' || *stop == '}');
        }
    }
    return FALSE;
}

/* One schedule.csv line re-created from a decision's schedule text. */
typedef struct {
    const char *date, *bureau, *enterprise_id, *app_id, *policy_id;   /* in the export's string chunk */
    guint installment, of;
    gint64 amount_fen;
    gboolean future;
} LedgerExportLine;

/* schedule.csv order (spec §8): date, bureau, app_id, installment, policy_id */
static int
ledger_cmp_lines(gconstpointer pa, gconstpointer pb)
{
    const LedgerExportLine *a = pa, *b = pb;
    int c;

    if ((c = strcmp(a->date, b->date)) != 0 || (c = strcmp(a->bureau, b->bureau)) != 0 ||
        (c = strcmp(a->app_id, b->app_id)) != 0)
        return c;
    if (a->installment != b->installment)
        return a->installment < b->installment ? -1 : 1;
    return strcmp(a->policy_id, b->policy_id);
}

/* Parses @text ("1/2 2022-06-30 5000000;2/2 ...") into lines of @out. */
static gboolean
ledger_parse_schedule(const char *text, const DxRuleset *rs, const char *bureau, const char *enterprise_id,
                      const char *app_id, const char *policy_id, GStringChunk *strings, GArray *out)
{
    g_auto(GStrv) parts = NULL;

    if (*text == '\0')
        return TRUE;
    parts = g_strsplit(text, ";", -1);
    for (char **p = parts; *p != NULL; p++) {
        LedgerExportLine l = { 0 };
        char date[16];
        gint32 day;
        guint64 a, b, amount;
        char *end = NULL;
        const char *s = *p;

        if (!g_ascii_isdigit(*s))
            return FALSE;
        a = g_ascii_strtoull(s, &end, 10);
        if (*end != '/' || !g_ascii_isdigit(end[1]))
            return FALSE;
        b = g_ascii_strtoull(end + 1, &end, 10);
        if (*end != ' ' || strlen(end + 1) < 12 || end[11] != ' ')
            return FALSE;
        memcpy(date, end + 1, 10);
        date[10] = '\0';
        if (!dx_date_parse(date, 10, &day) || !g_ascii_isdigit(end[12]))
            return FALSE;
        amount = g_ascii_strtoull(end + 12, &end, 10);
        if (*end != '\0' || a == 0 || a > b || b > G_MAXUINT16 || amount > (guint64)G_MAXINT64)
            return FALSE;
        l.date = g_string_chunk_insert_const(strings, date);
        l.bureau = bureau;
        l.enterprise_id = enterprise_id;
        l.app_id = app_id;
        l.policy_id = policy_id;
        l.installment = (guint)a;
        l.of = (guint)b;
        l.amount_fen = (gint64)amount;
        l.future = day > rs->period_to;
        g_array_append_val(out, l);
    }
    return TRUE;
}

#define LEDGER_DECISIONS_CSV_HEADER "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
#define LEDGER_SCHEDULE_CSV_HEADER "batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future\n"

gboolean
dx_ledger_export_round(DxLedger *self, DxRuleset *ruleset, int64_t round_id, const char *dir, GError **error)
{
    const DxRuleset *rs = ruleset;
    sqlite3_stmt *st = NULL;
    g_autofree char *approval = NULL, *fund = NULL, *sha = NULL, *params = NULL, *summary = NULL;
    gint64 seq, n_declared, n_read = 0, granted = 0;
    size_t status_counts[8] = { 0 };
    g_autofree size_t *applied = NULL, *approved = NULL;
    g_autofree int64_t *pol_granted = NULL;
    g_autofree DxEnvelopeUse *use = NULL;
    GStringChunk *strings = NULL;
    g_autoptr(GArray) lines = NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    DxOutFile dec = { 0 }, sch = { 0 };
    gboolean ok = FALSE;
    int rc;

    g_return_val_if_fail(self != NULL && ruleset != NULL && dir != NULL, FALSE);
    g_return_val_if_fail(round_id >= 0, FALSE);

    /* the round's header */
    st = ledger_prepare(self,
                        round_id > 0 ? "SELECT seq, approval_date, fund_id, ruleset_sha256, n_decisions, detail"
                                       " FROM entries WHERE kind = 'round' AND seq = ?1"
                                     : "SELECT seq, approval_date, fund_id, ruleset_sha256, n_decisions, detail"
                                       " FROM entries WHERE kind = 'round' ORDER BY seq DESC LIMIT 1",
                        error);
    if (st == NULL)
        return FALSE;
    if (round_id > 0)
        sqlite3_bind_int64(st, 1, round_id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return ledger_fail(self, error, "cannot read the ledger");
        if (round_id > 0)
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: there is no round %" G_GINT64_FORMAT, self->name,
                        (gint64)round_id);
        else
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the ledger has no rounds", self->name);
        return FALSE;
    }
    seq = sqlite3_column_int64(st, 0);
    approval = g_strdup((const char *)sqlite3_column_text(st, 1));
    fund = g_strdup((const char *)sqlite3_column_text(st, 2));
    sha = g_strdup((const char *)sqlite3_column_text(st, 3));
    n_declared = sqlite3_column_int64(st, 4);
    params = g_strdup((const char *)sqlite3_column_text(st, 5));
    sqlite3_finalize(st);
    st = NULL;

    if (g_strcmp0(fund, rs->fund_id) != 0 || g_strcmp0(sha, rs->sha256) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "%s: round %" G_GINT64_FORMAT " ran with another ruleset (fund %s, ruleset sha256 %s), not"
                    " %s (fund %s, sha256 %s)",
                    self->name, seq, fund != NULL ? fund : "", sha != NULL ? sha : "", rs->source_name,
                    rs->fund_id, rs->sha256);
        return FALSE;
    }
    use = g_new0(DxEnvelopeUse, MAX(rs->n_envelopes, 1));
    for (guint e = 0; e < rs->n_envelopes; e++) {
        use[e].total_fen = rs->envelopes[e].total_fen;
        if (self->version < 3 ||
            !ledger_params_int(params, "charged_before_fen", rs->envelopes[e].key, &use[e].charged_before_fen) ||
            !ledger_params_int(params, "requested_fen", rs->envelopes[e].key, &use[e].requested_fen)) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: round %" G_GINT64_FORMAT " was committed by an older duixian (ledger format %u),"
                        " which did not record what exporting it needs (computed amounts, the envelopes'"
                        " requests)",
                        self->name, seq, self->version);
            return FALSE;
        }
    }
    applied = g_new0(size_t, MAX(rs->n_policies, 1));
    approved = g_new0(size_t, MAX(rs->n_policies, 1));
    pol_granted = g_new0(int64_t, MAX(rs->n_policies, 1));
    strings = g_string_chunk_new(1 << 16);
    lines = g_array_new(FALSE, FALSE, sizeof(LedgerExportLine));

    if (!ledger_out_open(&dec, dir, "decisions.csv", LEDGER_DECISIONS_CSV_HEADER, error))
        goto out;
    st = ledger_prepare(self,
                        "SELECT seq, n_decisions, body FROM entries WHERE kind = 'decisions' AND round_id = ?1"
                        " ORDER BY seq",
                        error);
    if (st == NULL)
        goto out;
    sqlite3_bind_int64(st, 1, seq);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 entry = sqlite3_column_int64(st, 0), n = sqlite3_column_int64(st, 1);
        const void *body = sqlite3_column_blob(st, 2);   /* before _bytes, as SQLite asks */
        LedgerReader r;
        LedgerRecord d;

        ledger_reader_init(&r, self, body, (gsize)sqlite3_column_bytes(st, 2));
        for (gint64 i = 0; i < n; i++) {
            const LedgerClass *c;
            int status = -1;
            gint pol;

            if (!ledger_read_decision(&r, &d))
                goto corrupt;
            c = d.cls;
            for (int s = 0; s < 8; s++) {
                if (strcmp(c->c[CLASS_STATUS], dx_status_to_string((DxStatus)s)) == 0)
                    status = s;
            }
            if (status < 0)
                goto corrupt;
            status_counts[status]++;
            granted += (gint64)d.granted_fen;
            pol = c->c[CLASS_POLICY_ID][0] != '\0' ? dx_ruleset_find_policy(rs, c->c[CLASS_POLICY_ID]) : -1;
            if (pol >= 0) {
                applied[pol]++;
                approved[pol] += status == DX_STATUS_APPROVED || status == DX_STATUS_REDUCED;
                pol_granted[pol] += (int64_t)d.granted_fen;
            }
            for (guint e = 0; e < rs->n_envelopes; e++) {
                if (strcmp(rs->envelopes[e].key, c->c[CLASS_ENVELOPE]) == 0)
                    use[e].granted_fen += (int64_t)d.granted_fen;
            }

            dx_out_cell_len(dec.buf, d.app_id.str, d.app_id.len);
            g_string_append_c(dec.buf, ',');
            dx_out_cell_len(dec.buf, d.enterprise_id.str, d.enterprise_id.len);
            g_string_append_c(dec.buf, ',');
            dx_out_cell_len(dec.buf, c->c[CLASS_POLICY_ID], strlen(c->c[CLASS_POLICY_ID]));
            g_string_append_c(dec.buf, ',');
            dx_out_cell_len(dec.buf, c->c[CLASS_BUREAU], strlen(c->c[CLASS_BUREAU]));
            g_string_append_printf(dec.buf, ",%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s\n",
                                   c->c[CLASS_STATUS], d.computed_fen, d.granted_fen, c->c[CLASS_REASONS]);
            dx_out_flush(&dec, FALSE);

            if (d.schedule.len > 0) {
                const char *app = g_string_chunk_insert_len(strings, d.app_id.str, (gssize)d.app_id.len);
                const char *ent = g_string_chunk_insert_len(strings, d.enterprise_id.str, (gssize)d.enterprise_id.len);

                if (!ledger_parse_schedule(ledger_cstr(text, d.schedule), rs,
                                           g_string_chunk_insert_const(strings, c->c[CLASS_BUREAU]), ent, app,
                                           g_string_chunk_insert_const(strings, c->c[CLASS_POLICY_ID]), strings,
                                           lines))
                    goto corrupt;
            }
            continue;
        corrupt:
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                        "%s: entry %" G_GINT64_FORMAT ": decision %" G_GINT64_FORMAT " of the entry cannot be"
                        " decoded (run verify)",
                        self->name, entry, i + 1);
            goto out;
        }
        n_read += n;
    }
    if (rc != SQLITE_DONE) {
        ledger_fail(self, error, "cannot read the ledger");
        goto out;
    }
    if (n_read != n_declared) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                    "%s: round %" G_GINT64_FORMAT " declares %" G_GINT64_FORMAT " decisions but holds %" G_GINT64_FORMAT
                    " (run verify)",
                    self->name, seq, n_declared, n_read);
        goto out;
    }

    /* schedule.csv */
    g_array_sort(lines, ledger_cmp_lines);
    if (!ledger_out_open(&sch, dir, "schedule.csv", LEDGER_SCHEDULE_CSV_HEADER, error))
        goto out;
    for (guint i = 0; i < lines->len; i++) {
        const LedgerExportLine *l = &g_array_index(lines, LedgerExportLine, i);
        g_autofree char *batch = g_strdup_printf("%.4s%.2s%.2s-%s", l->date, l->date + 5, l->date + 8, l->bureau);

        dx_out_cell_len(sch.buf, batch, strlen(batch));
        g_string_append_printf(sch.buf, ",%s,", l->date);
        dx_out_cell_len(sch.buf, l->bureau, strlen(l->bureau));
        g_string_append_c(sch.buf, ',');
        dx_out_cell_len(sch.buf, l->enterprise_id, strlen(l->enterprise_id));
        g_string_append_c(sch.buf, ',');
        dx_out_cell_len(sch.buf, l->app_id, strlen(l->app_id));
        g_string_append_c(sch.buf, ',');
        dx_out_cell_len(sch.buf, l->policy_id, strlen(l->policy_id));
        g_string_append_printf(sch.buf, ",%u,%u,%" G_GINT64_FORMAT ",%s\n", l->installment, l->of, l->amount_fen,
                               l->future ? "true" : "false");
        dx_out_flush(&sch, FALSE);
    }

    summary = dx_summary_json(rs, approval, (guint)n_declared, status_counts, applied, approved, pol_granted, granted,
                              use);
    ok = TRUE;
out:
    sqlite3_finalize(st);
    if (strings != NULL)
        g_string_chunk_free(strings);
    /* all three files, or (as far as renames go) none of them */
    if (!dx_out_close(&dec, ok, ok ? error : NULL))
        ok = FALSE;
    if (!dx_out_close(&sch, ok, ok ? error : NULL))
        ok = FALSE;
    if (ok) {
        g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
        g_autoptr(GError) local = NULL;

        if (!g_file_set_contents(path, summary, -1, &local)) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s", local->message);
            ok = FALSE;
        }
    }
    return ok;
}
