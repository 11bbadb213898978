/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A manual claw-back and a refund receipt (dx-clawback.h, docs/rules.md
 * §14): the grant is found and its money worked out here, with the pure
 * arithmetic of dx-clawback.c, under the ledger's write lock; the ledger
 * (lib/ledger/dx-ledger-clawback.c) checks the record against the same
 * lines and appends it.
 */
#include "duixian/duixian.h"
#include "fund/dx-clawback-private.h"
#include "fund/dx-clawback-run-private.h"
#include "ledger/dx-ledger-lines-private.h"
#include "base/dx-num-private.h"
#include "base/dx-out-private.h"
#include "base/dx-json-private.h"

#include <string.h>

struct _DxClawback {
    DxLedger *ledger;      /* borrowed */
    gboolean pending;      /* appended in the open transaction, not yet committed */
    char *fund_id, *app_id, *enterprise_id, *policy_id, *bureau, *date, *reason;
    int64_t paid_fen, cancelled_fen, refund_due_fen;
    gint64 id;
    char *head;
    char *json;            /* clawbacks.json without the head: the ledger keeps it */
};

gboolean
dx_clawback_find_grant(DxLedger *ledger, const char *app_id, const char *policy_id, DxLedgerLines *lines,
                       char **fund_id, const DxLedgerGrant **grant, GError **error)
{
    size_t n = dx_ledger_get_n_rounds(ledger);
    g_autoptr(GPtrArray) funds = g_ptr_array_new_with_free_func(g_free);
    const DxLedgerGrant *revoked = NULL;

    *grant = NULL;
    for (size_t i = 0; i < n; i++) {
        char *f = dx_ledger_dup_round_field(ledger, i, "fund_id");

        if (f != NULL && !g_ptr_array_find_with_equal_func(funds, f, g_str_equal, NULL))
            g_ptr_array_add(funds, f);
        else
            g_free(f);
    }
    for (guint f = 0; f < funds->len && *grant == NULL; f++) {
        dx_ledger_lines_clear(lines);
        dx_ledger_lines_init(lines);
        if (!dx_ledger_read_lines(ledger, g_ptr_array_index(funds, f), lines, error))
            return FALSE;
        for (guint i = 0; i < lines->grants->len; i++) {
            const DxLedgerGrant *g = &g_array_index(lines->grants, DxLedgerGrant, i);

            if (strcmp(g->app_id, app_id) != 0 || strcmp(g->policy_id, policy_id) != 0)
                continue;
            if (g->revoked) {
                revoked = g;
                continue;
            }
            *grant = g;
            *fund_id = g_strdup(g_ptr_array_index(funds, f));
            break;
        }
    }
    if (*grant != NULL)
        return TRUE;
    g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                revoked != NULL ? "%s: app_id %s has no live grant of %s (it was revoked)"
                                : "%s: app_id %s has no grant of %s in the ledger",
                dx_ledger_get_name(ledger), app_id, policy_id);
    return FALSE;
}

/* A reason or reference: one line, not only blanks. */
static gboolean
dx_clawback_text_ok(const char *s)
{
    gboolean seen = FALSE;

    for (; *s != '\0'; s++) {
        if (*s == '\n' || *s == '\r')
            return FALSE;
        seen |= !g_ascii_isspace(*s);
    }
    return seen;
}

static gboolean
clawback_date(const char *what, const char *date, gint32 *day, GError **error)
{
    if (strlen(date) != 10 || !dx_date_parse(date, 10, day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: “%s” is not a date (write YYYY-MM-DD)", what, date);
        return FALSE;
    }
    return TRUE;
}

/* clawbacks.json (§14), keys sorted; a manual claw-back reviews nothing
 * and claws back one grant. The ledger keeps the same text. */
static char *
clawback_json(const DxClawback *self)
{
    GString *j = g_string_new("{\n  \"breached\": 1,\n");

    g_string_append_printf(j, "  \"cancelled_fen\": %" G_GINT64_FORMAT ",\n  \"date\": \"%s\",\n  \"errors\": 0,\n"
                              "  \"format\": \"duixian/2\",\n  \"fund\": ",
                           self->cancelled_fen, self->date);
    dx_json_append_string(j, self->fund_id);
    g_string_append(j, ",\n  \"kept\": 0,\n");
    g_string_append_printf(j, "  \"missing\": 0,\n  \"refund_due_fen\": %" G_GINT64_FORMAT ",\n  \"reviewed\": 0\n}\n",
                           self->refund_due_fen);
    return g_string_free(j, FALSE);
}

DxClawback *
dx_clawback_manual(DxLedger *ledger, const char *app_id, const char *policy_id, const char *date, const char *reason,
                   GError **error)
{
    g_autoptr(DxClawback) self = dx_clawback_prepare(ledger, app_id, policy_id, date, reason, error);

    if (self == NULL || !dx_clawback_commit(self, error))
        return NULL;
    return g_steal_pointer(&self);
}

gboolean
dx_clawback_commit(DxClawback *self, GError **error)
{
    g_return_val_if_fail(self != NULL, FALSE);
    if (!self->pending)
        return TRUE;
    self->pending = FALSE;
    if (!dx_ledger_finish_clawback(self->ledger, error)) {
        self->id = 0;
        return FALSE;
    }
    return TRUE;
}

DxClawback *
dx_clawback_prepare(DxLedger *ledger, const char *app_id, const char *policy_id, const char *date,
                    const char *reason, GError **error)
{
    g_autoptr(DxClawback) self = NULL;
    DxLedgerLines lines;
    const DxLedgerGrant *g = NULL;
    DxLedgerClawback item;
    DxLedgerReviewInfo info;
    gint32 day = 0;
    g_autofree char *fund = NULL;

    g_return_val_if_fail(ledger != NULL && app_id != NULL && policy_id != NULL && date != NULL && reason != NULL,
                         NULL);
    if (!clawback_date("claw-back", date, &day, error))
        return NULL;
    if (!dx_clawback_text_ok(reason)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "claw-back: a reason (one line) is required");
        return NULL;
    }
    if (!dx_ledger_begin_clawback(ledger, error))
        return NULL;
    dx_ledger_lines_init(&lines);
    if (!dx_clawback_find_grant(ledger, app_id, policy_id, &lines, &fund, &g, error))
        goto fail;
    if (g->clawed_back_by != 0) {
        char d[16];

        dx_date_format(g->clawed_back_day, d);
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                    "%s: app_id %s: its %s grant was clawed back already on %s (ledger entry %" G_GINT64_FORMAT ")",
                    dx_ledger_get_name(ledger), app_id, policy_id, d, g->clawed_back_by);
        goto fail;
    }
    self = g_new0(DxClawback, 1);
    self->ledger = ledger;
    self->fund_id = g_strdup(fund);
    self->app_id = g_strdup(app_id);
    self->enterprise_id = g_strdup(g->enterprise_id);
    self->policy_id = g_strdup(policy_id);
    self->bureau = g_strdup(g->bureau);
    self->date = g_strdup(date);
    self->reason = g_strdup(reason);
    self->paid_fen = g->paid_fen;
    self->cancelled_fen = g->scheduled_fen;
    /* a manual claw-back needs no commitment: always `paid` (§14) */
    if (!dx_refund_due(DX_REFUND_PAID, g->paid_fen, g->approval_day, g->approval_day, day, &self->refund_due_fen,
                       error))
        goto fail;
    self->json = clawback_json(self);
    item = (DxLedgerClawback){ g->ref_seq, g->ref_index, self->paid_fen, self->cancelled_fen, self->refund_due_fen,
                               g->enterprise_id, g->envelope, reason };
    info = (DxLedgerReviewInfo){ fund, date, "", "", self->json };
    if (!dx_ledger_append_clawbacks(ledger, &lines, FALSE, &info, &item, 1, &self->id, error)) {
        dx_ledger_lines_clear(&lines);
        return NULL;   /* rolled back by the ledger */
    }
    dx_ledger_lines_clear(&lines);
    self->pending = TRUE;
    /* the head the commit will leave: this connection sees its own entry */
    self->head = dx_ledger_dup_head_hash(ledger);
    return g_steal_pointer(&self);
fail:
    dx_ledger_lines_clear(&lines);
    dx_ledger_abort_clawback(ledger);
    return NULL;
}

#define CLAWBACKS_CSV_HEADER "app_id,enterprise_id,policy_id,bureau,date,paid_fen,cancelled_fen,refund_due_fen,reasons\n"

gboolean
dx_clawback_write(DxClawback *self, const char *dir, GError **error)
{
    g_autofree char *csv_path = NULL, *json_path = NULL, *head_path = NULL, *head_line = NULL;
    DxOutFile o;

    g_return_val_if_fail(self != NULL && dir != NULL, FALSE);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be created", dir);
        return FALSE;
    }
    csv_path = g_build_filename(dir, "clawbacks.csv", NULL);
    json_path = g_build_filename(dir, "clawbacks.json", NULL);
    if (!dx_out_open(&o, csv_path, CLAWBACKS_CSV_HEADER, error))
        return FALSE;
    dx_out_cell(o.buf, self->app_id);
    g_string_append_c(o.buf, ',');
    dx_out_cell(o.buf, self->enterprise_id);
    g_string_append_c(o.buf, ',');
    dx_out_cell(o.buf, self->policy_id);
    g_string_append_c(o.buf, ',');
    dx_out_cell(o.buf, self->bureau);
    g_string_append_c(o.buf, ',');
    g_string_append(o.buf, self->date);
    g_string_append_c(o.buf, ',');
    dx_out_int(o.buf, self->paid_fen);
    g_string_append_c(o.buf, ',');
    dx_out_int(o.buf, self->cancelled_fen);
    g_string_append_c(o.buf, ',');
    dx_out_int(o.buf, self->refund_due_fen);
    g_string_append_c(o.buf, ',');
    dx_out_cell(o.buf, self->reason);
    g_string_append_c(o.buf, '\n');
    if (!dx_out_close(&o, TRUE, error))
        return FALSE;
    if (!dx_out_open(&o, json_path, self->json, error) || !dx_out_close(&o, TRUE, error))
        return FALSE;
    /* the head kept outside the ledger (verify --expect-head), as a round's
     * ledger-head.txt: not a key of clawbacks.json, whose keys §14 fixes */
    head_path = g_build_filename(dir, "ledger-head.txt", NULL);
    head_line = g_strconcat(dx_clawback_get_head(self), "\n", NULL);
    if (!dx_out_open(&o, head_path, head_line, error))
        return FALSE;
    return dx_out_close(&o, TRUE, error);
}

int64_t
dx_clawback_get_paid_fen(const DxClawback *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->paid_fen;
}

int64_t
dx_clawback_get_cancelled_fen(const DxClawback *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->cancelled_fen;
}

int64_t
dx_clawback_get_refund_due_fen(const DxClawback *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->refund_due_fen;
}

int64_t
dx_clawback_get_id(const DxClawback *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->id;
}

const char *
dx_clawback_get_head(const DxClawback *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->head != NULL ? self->head : "";
}

void
dx_clawback_free(DxClawback *self)
{
    if (self == NULL)
        return;
    if (self->pending)
        dx_ledger_abort_clawback(self->ledger);   /* prepared, never committed: nothing stays */
    g_free(self->fund_id);
    g_free(self->app_id);
    g_free(self->enterprise_id);
    g_free(self->policy_id);
    g_free(self->bureau);
    g_free(self->date);
    g_free(self->reason);
    g_free(self->head);
    g_free(self->json);
    g_free(self);
}

/* ------------------------------------------------------------ a receipt */

gboolean
dx_ledger_refund(DxLedger *ledger, const char *app_id, const char *policy_id, int64_t amount_fen, const char *date,
                 const char *reference, int64_t *still_due_fen, GError **error)
{
    DxLedgerLines lines;
    const DxLedgerGrant *g = NULL;
    g_autofree char *fund = NULL;
    gint32 day = 0;
    int64_t still;

    g_return_val_if_fail(ledger != NULL && app_id != NULL && policy_id != NULL && date != NULL && reference != NULL,
                         FALSE);
    if (!clawback_date("refund receipt", date, &day, error))
        return FALSE;
    if (!dx_clawback_text_ok(reference)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "refund receipt: a reference (one line) is required");
        return FALSE;
    }
    if (!dx_ledger_begin_clawback(ledger, error))
        return FALSE;
    dx_ledger_lines_init(&lines);
    if (!dx_clawback_find_grant(ledger, app_id, policy_id, &lines, &fund, &g, error))
        goto fail;
    if (g->clawed_back_by == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER,
                    "%s: app_id %s: its %s grant was not clawed back; no refund is due", dx_ledger_get_name(ledger),
                    app_id, policy_id);
        goto fail;
    }
    if (!dx_refund_receipt_check(amount_fen, g->refund_due_fen, g->refund_received_fen, error)) {
        g_prefix_error(error, "app_id %s, %s: ", app_id, policy_id);
        goto fail;
    }
    still = g->refund_due_fen - g->refund_received_fen - amount_fen;
    if (!dx_ledger_commit_refund(ledger, &lines, g, fund, amount_fen, date, reference, NULL, error)) {
        dx_ledger_lines_clear(&lines);
        return FALSE;
    }
    dx_ledger_lines_clear(&lines);
    if (still_due_fen != NULL)
        *still_due_fen = still;
    return TRUE;
fail:
    dx_ledger_lines_clear(&lines);
    dx_ledger_abort_clawback(ledger);
    return FALSE;
}
