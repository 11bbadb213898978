/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A round's files (decisions.csv, schedule.csv, summary.json) re-created
 * from the ledger, byte for byte what the round wrote.
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

/* schedule.csv order (docs/rules.md §8): date, bureau, app_id, installment, policy_id */
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
    DxStmt *st = NULL;
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
    st = dx_ledger_prepare(self,
                        round_id > 0 ? "SELECT seq, approval_date, fund_id, ruleset_sha256, n_decisions, detail"
                                       " FROM entries WHERE kind = 'round' AND seq = ?1"
                                     : "SELECT seq, approval_date, fund_id, ruleset_sha256, n_decisions, detail"
                                       " FROM entries WHERE kind = 'round' ORDER BY seq DESC LIMIT 1",
                        error);
    if (st == NULL)
        return FALSE;
    if (round_id > 0)
        dx_stmt_bind_int64(st, 1, round_id);
    rc = dx_stmt_step(st);
    if (rc != DX_STMT_ROW) {
        dx_stmt_finalize(st);
        if (rc != DX_STMT_DONE)
            return dx_ledger_fail(self, error, "cannot read the ledger");
        if (round_id > 0)
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: there is no round %" G_GINT64_FORMAT, self->name,
                        (gint64)round_id);
        else
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "%s: the ledger has no rounds", self->name);
        return FALSE;
    }
    seq = dx_stmt_column_int64(st, 0);
    approval = g_strdup(dx_stmt_column_text(st, 1));
    fund = g_strdup(dx_stmt_column_text(st, 2));
    sha = g_strdup(dx_stmt_column_text(st, 3));
    n_declared = dx_stmt_column_int64(st, 4);
    params = g_strdup(dx_stmt_column_text(st, 5));
    dx_stmt_finalize(st);
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
        if (!ledger_params_int(params, "charged_before_fen", rs->envelopes[e].key, &use[e].charged_before_fen) ||
            !ledger_params_int(params, "requested_fen", rs->envelopes[e].key, &use[e].requested_fen)) {
            g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                        "%s: round %" G_GINT64_FORMAT ": its parameters lack what exporting it needs"
                        " (the envelopes' charges and requests; run verify)",
                        self->name, seq);
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
    st = dx_ledger_prepare(self,
                        "SELECT seq, n_decisions, body FROM entries WHERE kind = 'decisions' AND round_id = ?1"
                        " ORDER BY seq",
                        error);
    if (st == NULL)
        goto out;
    dx_stmt_bind_int64(st, 1, seq);
    while ((rc = dx_stmt_step(st)) == DX_STMT_ROW) {
        gint64 entry = dx_stmt_column_int64(st, 0), n = dx_stmt_column_int64(st, 1);
        const void *body = dx_stmt_column_blob(st, 2);   /* before _bytes, as SQLite asks */
        LedgerReader r;
        LedgerRecord d;

        dx_ledger_reader_init(&r, self, body, (gsize)dx_stmt_column_bytes(st, 2));
        for (gint64 i = 0; i < n; i++) {
            const LedgerClass *c;
            int status = -1;
            gint pol;

            if (!dx_ledger_read_decision(&r, &d))
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

                if (!ledger_parse_schedule(dx_ledger_cstr(text, d.schedule), rs,
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
    if (rc != DX_STMT_DONE) {
        dx_ledger_fail(self, error, "cannot read the ledger");
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
    dx_stmt_finalize(st);
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
