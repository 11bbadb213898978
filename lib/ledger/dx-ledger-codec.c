/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A decisions entry's body (see dx-ledger.c for the grammar): encoding
 * decisions with their classes, decoding them back, and walking the grants
 * of the entries a query yields.
 */
#include "ledger/dx-ledger-impl-private.h"
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

/* ------------------------------------------------------------- encoding */

static void
ledger_buf_reserve(LedgerBuf *b, gsize n)
{
    if (b->cap - b->len >= n)
        return;
    b->cap = MAX(b->cap * 2, b->len + n);
    b->data = g_realloc(b->data, b->cap);
}

void
dx_ledger_buf_clear(LedgerBuf *b)
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

void
dx_ledger_chunk_reset(DxLedger *self)
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
void
dx_ledger_chunk_add(DxLedger *self, const DxLedgerDecisionInfo *d)
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
    p = ledger_put_uint(p, (guint64)MAX(d->computed_fen, 0));
    p = ledger_put_str(p, schedule, sched_len);
    self->chunk.len = (gsize)(p - self->chunk.data);
    self->chunk_n++;
    self->chunk_award += d->award_fen;
    self->chunk_granted += d->granted_fen;
}

/* ------------------------------------------------------------- decoding */

const guint8 ledger_empty_body[1];

void
dx_ledger_reader_init(LedgerReader *r, DxLedger *self, const void *body, gsize len)
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
gboolean
dx_ledger_read_decision(LedgerReader *r, LedgerRecord *d)
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
        !ledger_read_amount(r, &d->computed_fen) || !ledger_read_str(r, &d->schedule))
        return FALSE;
    r->n_read++;
    return TRUE;
}

/* NUL-terminated copy of @s in @buf, valid until @buf changes. */
const char *
dx_ledger_cstr(GString *buf, LedgerStr s)
{
    g_string_truncate(buf, 0);
    g_string_append_len(buf, s.str, (gssize)s.len);
    return buf->str;
}

gboolean
dx_ledger_str_equal(LedgerStr s, const char *c, gsize len)
{
    return s.len == len && memcmp(s.str, c, len) == 0;
}

/* Walks the decisions entries @st yields (LEDGER_CHUNK_COLUMNS), calling
 * @func for each grant. */
gboolean
dx_ledger_walk_grants(DxLedger *self, DxStmt *st, LedgerGrantFunc func, gpointer user_data, GError **error)
{
    int rc;

    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        gint64 n = dx_stmt_column_int64(st, CHUNK_N_DECISIONS);
        const void *body = dx_stmt_column_blob(st, CHUNK_BODY);   /* before _bytes, as SQLite asks */
        LedgerReader r;
        LedgerRecord d;

        dx_ledger_reader_init(&r, self, body, (gsize)dx_stmt_column_bytes(st, CHUNK_BODY));
        for (gint64 i = 0; i < n; i++) {
            if (!dx_ledger_read_decision(&r, &d)) {
                g_set_error(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT,
                            "%s: entry %" G_GINT64_FORMAT ": decision %" G_GINT64_FORMAT " of the entry cannot be"
                            " decoded (run verify)",
                            self->name, (gint64)dx_stmt_column_int64(st, CHUNK_SEQ), i + 1);
                return FALSE;
            }
            if (d.granted_fen > 0 && !func(self, st, (guint64)i, &d, user_data, error))
                return FALSE;
        }
    }
    if (rc != DX_STMT_DONE)
        return dx_ledger_fail(self, error, "cannot read the ledger");
    return TRUE;
}

/* ----------------------------------------- the primitives, for other bodies */

/* The payments entries (dx-ledger-lines.c) use the same uint and str. */
void
dx_ledger_buf_put_uint(LedgerBuf *b, guint64 v)
{
    ledger_buf_reserve(b, LEDGER_UINT_MAX_BYTES);
    b->len = (gsize)(ledger_put_uint(b->data + b->len, v) - b->data);
}

void
dx_ledger_buf_put_str(LedgerBuf *b, const char *s)
{
    gsize len = s != NULL ? strlen(s) : 0;

    ledger_buf_reserve(b, LEDGER_UINT_MAX_BYTES + len);
    b->len = (gsize)(ledger_put_str(b->data + b->len, s != NULL ? s : "", len) - b->data);
}

gboolean
dx_ledger_read_uint(LedgerReader *r, guint64 *v)
{
    return ledger_read_uint(r, v);
}

gboolean
dx_ledger_read_amount(LedgerReader *r, guint64 *v)
{
    return ledger_read_amount(r, v);
}

gboolean
dx_ledger_read_str(LedgerReader *r, LedgerStr *s)
{
    return ledger_read_str(r, s);
}
