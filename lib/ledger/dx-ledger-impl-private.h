/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ledger's internals, shared by the files of lib/ledger/ (what the
 * ledger stores and why is the opening comment of dx-ledger.c):
 *
 *   dx-ledger-sql.c     store plumbing: errors, statements, rollback
 *   dx-store.c          the store (dx-store-private.h), dispatching to
 *   dx-store-sql.c      (placeholders rewritten, for a backend that needs it)
 *   dx-store-sqlite.c   the store on SQLite, or
 *   dx-store-pg.c       the store on PostgreSQL
 *   dx-ledger-schema.c  the schema in each store's dialect
 *   dx-ledger-chain.c   the canonical form each entry's hash covers
 *   dx-ledger-codec.c   encoding and decoding a decisions entry's body
 *   dx-ledger.c         opening (schema, versions), appending, transactions
 *   dx-ledger-round.c   committing a round; what earlier rounds charged
 *   dx-ledger-revoke.c  revoking a grant
 *   dx-ledger-verify.c  recomputing the chain and checking every round
 *   dx-ledger-query.c   the getters
 *   dx-ledger-export.c  a round's files re-created from the ledger
 *   dx-ledger-copy.c    a ledger copied to another store
 *   dx-ledger-lines.c   installment lines and payment runs
 *   dx-ledger-clawback.c claw-backs, reviews and refund receipts (§14)
 *
 * Calls go down this list only, never back up it.
 */
#pragma once

#include "duixian/dx-ledger.h"
#include "duixian/dx-error.h"
#include "duixian/dx-decision.h"
#include "ledger/dx-ledger-private.h"

#include "ledger/dx-store-private.h"

#define LEDGER_FORMAT "duixian-ledger"
#define LEDGER_VERSION 4
#define LEDGER_HASH_DOMAIN "duixian-ledger/2\n"
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
    DxStore *store;
    char *name;                /* the path for messages */
    gboolean readonly;
    int version;               /* the file's schema version: 3 (read-only opens) or LEDGER_VERSION */
    DxStmt *insert;      /* (owned) prepared once, reused by every append; NULL when read-only */
    GString *canon;            /* scratch for the canonical form, reused per entry */
    GChecksum *sha;            /* reused per entry */

    /* The chain's end, read after taking the write lock (ledger_load_head)
     * and advanced by each append; meaningless outside a transaction. */
    gint64 head_seq;
    char head_hash[65];
    /* Entries appended by this handle: head_hash is the head the commit
     * will leave, or left (dx_ledger_dup_head_hash() gives it without a
     * read, which a dropped connection would fail). Cleared by a rollback
     * and by the next write lock, which reads the head again. */
    gboolean head_pending;

    /* The round being written, between begin_round and commit/abort. */
    gboolean in_round;
    /* Between begin_payrun and commit/abort: what is read cannot change. */
    gboolean in_payrun;
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

G_GNUC_INTERNAL extern const char *const ledger_columns[N_COLS];

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
    guint64 computed_fen;
} LedgerRecord;

typedef struct {
    DxLedger *ledger;
    const guint8 *start, *p, *end;
    guint64 n_read;                  /* decisions decoded so far */
} LedgerReader;

G_GNUC_INTERNAL extern const guint8 ledger_empty_body[1];

/* The decisions entries of interest, for the readers below: the columns
 * their queries select, in this order. */
#define LEDGER_CHUNK_COLUMNS "seq, round_id, n_decisions, fund_id, approval_date, body"
enum { CHUNK_SEQ, CHUNK_ROUND_ID, CHUNK_N_DECISIONS, CHUNK_FUND_ID, CHUNK_APPROVAL_DATE, CHUNK_BODY };

/* Called for each decision with money of the entry on the current row of
 * the statement; FALSE stops the walk (error set). */
typedef gboolean (*LedgerGrantFunc)(DxLedger *self, DxStmt *st, guint64 index, const LedgerRecord *d,
                                    gpointer user_data, GError **error);

/* Grants and revocations share entries_grants; these WHERE terms repeat
 * its own, so that SQLite uses it. */
#define LEDGER_GRANTS_WHERE "WHERE kind <> 'round' AND granted_fen > 0 AND fund_id = ?1"

/* ---- dx-ledger-sql.c: store plumbing ---- */
G_GNUC_INTERNAL gboolean dx_ledger_fail(DxLedger *self, GError **error, const char *what);
G_GNUC_INTERNAL gboolean dx_ledger_exec(DxLedger *self, const char *sql, const char *what, GError **error);
G_GNUC_INTERNAL DxStmt *dx_ledger_prepare(DxLedger *self, const char *sql, GError **error);
G_GNUC_INTERNAL DxStmt *dx_ledger_prepare_or_warn(DxLedger *self, const char *sql);
G_GNUC_INTERNAL void dx_ledger_rollback(DxLedger *self);
G_GNUC_INTERNAL gsize dx_ledger_format_u64(char *buf, guint64 v);
G_GNUC_INTERNAL gsize dx_ledger_format_i64(char *buf, gint64 v);

/* ---- dx-ledger-chain.c: the canonical form hashed into the chain ---- */
G_GNUC_INTERNAL void dx_ledger_canon_begin(DxLedger *self);
G_GNUC_INTERNAL void dx_ledger_canon_field(DxLedger *self, char tag, const void *bytes, gsize len);
G_GNUC_INTERNAL void dx_ledger_canon_int(DxLedger *self, gint64 v);
G_GNUC_INTERNAL void dx_ledger_canon_column(DxLedger *self, DxStmt *st, int col);
G_GNUC_INTERNAL void dx_ledger_canon_end(DxLedger *self, char out[65]);

/* ---- dx-ledger-codec.c: a decisions entry's body ---- */
G_GNUC_INTERNAL void dx_ledger_buf_clear(LedgerBuf *b);
G_GNUC_INTERNAL void dx_ledger_chunk_reset(DxLedger *self);
G_GNUC_INTERNAL void dx_ledger_chunk_add(DxLedger *self, const DxLedgerDecisionInfo *d);
G_GNUC_INTERNAL void dx_ledger_reader_init(LedgerReader *r, DxLedger *self, const void *body, gsize len);
G_GNUC_INTERNAL gboolean dx_ledger_read_decision(LedgerReader *r, LedgerRecord *d);
G_GNUC_INTERNAL const char *dx_ledger_cstr(GString *buf, LedgerStr s);
G_GNUC_INTERNAL gboolean dx_ledger_str_equal(LedgerStr s, const char *c, gsize len);
G_GNUC_INTERNAL gboolean dx_ledger_walk_grants(DxLedger *self, DxStmt *st, LedgerGrantFunc func, gpointer user_data, GError **error);
G_GNUC_INTERNAL void dx_ledger_buf_put_uint(LedgerBuf *b, guint64 v);
G_GNUC_INTERNAL void dx_ledger_buf_put_str(LedgerBuf *b, const char *s);
G_GNUC_INTERNAL gboolean dx_ledger_read_uint(LedgerReader *r, guint64 *v);
G_GNUC_INTERNAL gboolean dx_ledger_read_amount(LedgerReader *r, guint64 *v);
G_GNUC_INTERNAL gboolean dx_ledger_read_str(LedgerReader *r, LedgerStr *s);

/* ---- dx-ledger-lines.c: verify's check of a payments entry's body ---- */
G_GNUC_INTERNAL gboolean dx_ledger_check_payments(DxLedger *self, DxStmt *st, GString *what);

/* ---- dx-ledger-schema.c: the tables, per store ---- */
G_GNUC_INTERNAL const char *dx_ledger_schema_sql(DxStoreKind kind);
/* SQLite only: version 3 to 4 */
G_GNUC_INTERNAL extern const char dx_ledger_migrate_3_sql[];

/* ---- dx-ledger.c: open, schema, append, transactions ---- */
G_GNUC_INTERNAL char *dx_ledger_now_utc(void);
G_GNUC_INTERNAL gboolean dx_ledger_append(DxLedger *self, const LedgerEntry *e, gint64 *seq_out, GError **error);
G_GNUC_INTERNAL void dx_ledger_round_clear(DxLedger *self);
G_GNUC_INTERNAL gboolean dx_ledger_begin(DxLedger *self, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_commit(DxLedger *self, GError **error);

/* ---- dx-ledger-clawback.c: claw-back, review and refund entries ---- */
#include "ledger/dx-ledger-lines-private.h"

/* Called for each record of a clawback or review entry (entry @seq, date
 * @day); FALSE stops the walk (error set). */
typedef gboolean (*LedgerClawbackFunc)(const DxLedgerClawback *c, gint64 seq, gint32 day, gpointer user_data,
                                       GError **error);
/* Decodes the records of the clawback/review entry on @st's row (columns:
 * @seq_col, @n_col count, @body_col, @date_col approval_date). */
G_GNUC_INTERNAL gboolean dx_ledger_clawback_walk_body(DxLedger *self, DxStmt *st, int seq_col, int n_col,
                                                      int body_col, int date_col, LedgerClawbackFunc func,
                                                      gpointer user_data, GError **error);
/* verify: the clawback/review or refund entry on @st's row (all columns,
 * COL_*) decodes and adds up; @due tracks each grant's claim left (a
 * grant key -> int64, owned by the caller) so that a receipt above it, or
 * on a grant never clawed back, is found. */
G_GNUC_INTERNAL gboolean dx_ledger_check_clawback(DxLedger *self, DxStmt *st, GHashTable *due, GString *what);
G_GNUC_INTERNAL gboolean dx_ledger_check_refund(DxLedger *self, DxStmt *st, GHashTable *due, GString *what);
/* read_lines' part: a claw-back record applied to the lines (user_data:
 * the DxLedgerLines), and each grant's sums from its lines' states. */
G_GNUC_INTERNAL gboolean dx_ledger_lines_apply_clawback(const DxLedgerClawback *c, gint64 seq, gint32 day,
                                                        gpointer user_data, GError **error);
G_GNUC_INTERNAL void dx_ledger_lines_sum_grants(DxLedgerLines *lines);
