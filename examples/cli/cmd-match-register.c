/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian match RULES REGISTER.csv --out DIR: 免申即享 over a whole
 * enterprise register. Every enterprise (one row each, no `policy` column)
 * is matched against every policy in one batch (matching mode, docs/rules.md
 * §6), on the batch's threads, and DIR gets one CSV per policy and
 * summary.json (docs/cli.md, "match over a register").
 *
 * The register has no app_id or submitted_on: the batch needs both, so each
 * record is given them in front (app_id = the enterprise_id cell as
 * written, submitted_on = --date) before the batch reads it. That keeps the
 * batch's own reader, cell grammar and row problems, and its row numbers
 * stay the register's.
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The end of the CSV record starting at @p (past its line end), and the
 * bounds of cell @want in it (raw, quotes included). A quote opens only at
 * the start of a cell, as the batch's reader has it; a record with an
 * unclosed quote runs to the end and the batch reports it. */
static const char *
reg_record(const char *p, const char *end, guint want, const char **cell, const char **cell_end)
{
    guint col = 0;
    gboolean quoted = FALSE, at_start = TRUE;

    *cell = p;
    *cell_end = NULL;
    for (; p < end; p++) {
        char c = *p;

        if (quoted) {
            if (c == '"' && p + 1 < end && p[1] == '"')
                p++;
            else if (c == '"')
                quoted = FALSE;
            continue;
        }
        if (c == '"' && at_start) {
            quoted = TRUE;
            at_start = FALSE;
            continue;
        }
        at_start = FALSE;
        if (c == ',' || c == '\n' || c == '\r') {
            if (col == want && *cell_end == NULL)
                *cell_end = p;
            if (c == ',') {
                col++;
                if (col == want)
                    *cell = p + 1;
                at_start = TRUE;
                continue;
            }
            if (c == '\r' && p + 1 < end && p[1] == '\n')
                p++;
            return p + 1;
        }
    }
    if (col == want && *cell_end == NULL)
        *cell_end = p;
    return p;
}

/* A raw cell without its quotes ("" as "). */
static char *
reg_unquote(const char *a, const char *b)
{
    GString *s = g_string_new(NULL);

    if (b - a >= 2 && *a == '"') {
        a++;
        b--;
    }
    for (; a < b; a++) {
        g_string_append_c(s, *a);
        if (*a == '"' && a + 1 < b && a[1] == '"')
            a++;
    }
    return g_string_free(s, FALSE);
}

typedef struct {
    GString *csv;              /* the register as the batch reads it */
    GPtrArray *ids;            /* enterprise ids, register order */
    GHashTable *row_of;        /* id -> 1 + its index in ids */
} Register;

/* Reads the register into @reg; FALSE (with a one-line message printed)
 * on a header that is not a register's or a duplicate or empty id. */
static gboolean
reg_read(const char *path, const char *data, size_t len, const char *date, Register *reg)
{
    const char *p = data, *end = data + len, *a, *b, *next;
    g_autofree char *header = NULL;
    g_auto(GStrv) names = NULL;
    gint eid = -1;
    guint line = 1;   /* a register of 4G lines is not read into memory anyway */

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    next = reg_record(p, end, 0, &a, &b);
    header = g_strndup(p, (gsize)(next - p));
    g_strchomp(header);
    names = g_strsplit(header, ",", -1);
    for (guint i = 0; names[i] != NULL; i++) {
        const char *n = g_strstrip(names[i]);

        if (strcmp(n, "policy") == 0 || strcmp(n, "app_id") == 0 || strcmp(n, "submitted_on") == 0) {
            fprintf(stderr, _("duixian: %s:1:%u: a register has no %s column (one row per enterprise; --out matches it against every policy)\n"),
                    path, i + 1, n);
            return FALSE;
        }
        if (strcmp(n, "enterprise_id") == 0)
            eid = (gint)i;
    }
    if (eid < 0) {
        fprintf(stderr, _("duixian: %s:1:1: header: a register needs an enterprise_id column\n"), path);
        return FALSE;
    }
    g_string_append(reg->csv, "app_id,submitted_on,");
    g_string_append_len(reg->csv, p, next - p);
    for (p = next; p < end; p = next) {
        g_autofree char *id = NULL;

        line++;
        next = reg_record(p, end, (guint)eid, &a, &b);
        if (next - p == 1 || (next - p == 2 && *p == '\r'))
            continue;   /* a blank line, as the batch skips it */
        if (b == NULL)
            b = a = p;
        id = reg_unquote(a, b);
        if (*id == '\0') {
            fprintf(stderr, _("duixian: %s:%u: enterprise_id is empty\n"), path, line);
            return FALSE;
        }
        if (g_hash_table_contains(reg->row_of, id)) {
            fprintf(stderr, _("duixian: %s:%u: enterprise_id %s is already on an earlier row\n"),
                    path, line, id);
            return FALSE;
        }
        g_string_append_len(reg->csv, a, b - a);
        g_string_append_printf(reg->csv, ",%s,", date);
        g_string_append_len(reg->csv, p, next - p);
        if (next == end && end[-1] != '\n')
            g_string_append_c(reg->csv, '\n');
        g_ptr_array_add(reg->ids, g_strdup(id));
        g_hash_table_insert(reg->row_of, reg->ids->pdata[reg->ids->len - 1], GUINT_TO_POINTER(reg->ids->len));
        for (const char *q = p; q < next - 1; q++)
            line += *q == '\n';
    }
    return TRUE;
}

/* qualified / missing / not_eligible / error, from a decision (NULL: the
 * batch gave none, which matching mode means the policy does not apply). */
static const char *
reg_status(const DxDecision *d)
{
    if (d == NULL)
        return "not_eligible";
    switch (dx_decision_get_status(d)) {
    case DX_STATUS_APPROVED:
    case DX_STATUS_REDUCED:
    case DX_STATUS_UNFUNDED:   /* eligible: the fund is applied when a round runs */
        return "qualified";
    case DX_STATUS_INCOMPLETE:
        return "missing";
    case DX_STATUS_REJECTED:
        return "not_eligible";
    default:
        return "error";
    }
}

static void
reg_cell(GString *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static int
reg_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dx_cli_match_register(DxRuleset *rs, const char *path, const char *date, const char *out, guint threads)
{
    Register reg = { NULL, g_ptr_array_new_with_free_func(g_free), g_hash_table_new(g_str_hash, g_str_equal) };
    g_autofree char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) summary = g_string_new("{\n  \"enterprises\": ");
    g_autoptr(GPtrArray) sorted = NULL;
    g_autoptr(GPtrArray) pids = NULL;
    DxDecisionList *list = NULL;
    const DxDecision **cell = NULL;
    size_t *order = NULL;
    size_t n_pol = dx_ruleset_get_n_policies(rs), n_ent, len = 0;
    DxBatch *batch = NULL;
    int rc = DX_EXIT_INPUT;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        goto out;
    }
    /* the register plus an id and a date per row: sized once, as a
     * register of a million rows would otherwise be copied while it grows */
    reg.csv = g_string_sized_new(len + len / 2 + 64);
    if (!reg_read(path, data, len, date, &reg))
        goto out;
    g_clear_pointer(&data, g_free);
    n_ent = reg.ids->len;
    batch = dx_batch_new(rs);
    dx_batch_set_threads(batch, threads);
    if (!dx_batch_add_csv_data(batch, reg.csv->str, (gssize)reg.csv->len, path, NULL, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        goto out;
    }
    g_string_free(reg.csv, TRUE);
    reg.csv = NULL;
    list = dx_batch_decide(batch);
    /* the decision of each enterprise x policy; an invalid row names no
     * policy and stands for every one */
    cell = g_new0(const DxDecision *, n_ent * (n_pol > 0 ? n_pol : 1));
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        size_t e = GPOINTER_TO_SIZE(g_hash_table_lookup(reg.row_of, dx_decision_get_app_id(d)));
        const char *pid = dx_decision_get_policy_id(d);

        if (e == 0)
            continue;
        for (size_t p = 0; p < n_pol; p++)
            if (*pid == '\0' || strcmp(dx_ruleset_get_policy_id(rs, p), pid) == 0)
                cell[(e - 1) * n_pol + p] = d;
    }
    if (g_mkdir_with_parents(out, 0755) != 0) {
        fprintf(stderr, "duixian: %s: %s\n", out, g_strerror(errno));
        rc = DX_EXIT_OUTPUT;
        goto out;
    }
    /* enterprise_id order, whatever the register's; each id's register
     * index looked up once here, not once per policy */
    sorted = g_ptr_array_sized_new((guint)n_ent);
    for (size_t e = 0; e < n_ent; e++)
        g_ptr_array_add(sorted, reg.ids->pdata[e]);
    g_ptr_array_sort(sorted, reg_cmp);
    order = g_new(size_t, n_ent > 0 ? n_ent : 1);
    for (size_t s = 0; s < n_ent; s++)
        order[s] = GPOINTER_TO_SIZE(g_hash_table_lookup(reg.row_of, sorted->pdata[s])) - 1;
    g_string_append_printf(summary, "%zu,\n  \"policies\": [", n_ent);
    /* policies in id order, so summary.json does not depend on the rules' order */
    pids = g_ptr_array_new();
    for (size_t p = 0; p < n_pol; p++)
        g_ptr_array_add(pids, (gpointer)dx_ruleset_get_policy_id(rs, p));
    g_ptr_array_sort(pids, reg_cmp);
    for (guint k = 0; k < pids->len; k++) {
        size_t p = 0, n_q = 0, n_m = 0, n_n = 0, n_e = 0;
        int64_t total = 0;
        g_autoptr(GString) csv = g_string_sized_new(32 * (n_ent + 1));   /* a row is ~25 bytes: no regrowth */
        g_autofree char *file = NULL, *fpath = NULL;

        g_string_append(csv, "enterprise_id,status,amount_fen,missing,reasons\n");
        while (strcmp(dx_ruleset_get_policy_id(rs, p), pids->pdata[k]) != 0)
            p++;
        for (guint s = 0; s < sorted->len; s++) {
            const char *id = sorted->pdata[s];
            const DxDecision *d = cell[order[s] * n_pol + p];
            const char *st = reg_status(d);

            reg_cell(csv, id);
            g_string_append_printf(csv, ",%s,", st);
            if (strcmp(st, "qualified") == 0) {
                g_string_append_printf(csv, "%" G_GINT64_FORMAT, dx_decision_get_computed_fen(d));
                total += dx_decision_get_computed_fen(d);
                n_q++;
            } else if (strcmp(st, "missing") == 0) {
                n_m++;
            } else if (strcmp(st, "error") == 0) {
                n_e++;
            } else {
                n_n++;
            }
            g_string_append_c(csv, ',');
            if (d != NULL && strcmp(st, "missing") == 0) {
                g_autoptr(GString) m = g_string_new(NULL);

                {
                    g_autofree char *labels = dx_cli_missing_labels(d);

                    g_string_append(m, labels);
                }
                reg_cell(csv, m->str);
            }
            g_string_append_c(csv, ',');
            for (size_t r = 0; d != NULL && r < dx_decision_get_n_reasons(d); r++) {
                if (r > 0)
                    g_string_append_c(csv, ';');
                g_string_append(csv, dx_reason_code_to_string(dx_decision_get_reason_code(d, r)));
            }
            g_string_append_c(csv, '\n');
        }
        file = g_strconcat(pids->pdata[k], ".csv", NULL);
        fpath = g_build_filename(out, file, NULL);
        if (!g_file_set_contents(fpath, csv->str, (gssize)csv->len, &error)) {
            fprintf(stderr, "duixian: %s\n", error->message);
            rc = DX_EXIT_OUTPUT;
            goto out;
        }
        g_string_append_printf(summary, "%s\n    {\"policy_id\": ", k > 0 ? "," : "");
        dx_cli_json_string(summary, pids->pdata[k]);
        g_string_append_printf(summary, ", \"qualified\": %zu, \"missing\": %zu, \"not_eligible\": %zu, \"error\": %zu, "
                               "\"amount_fen\": %" G_GINT64_FORMAT "}", n_q, n_m, n_n, n_e, total);
    }
    g_string_append(summary, "\n  ]\n}\n");
    {
        g_autofree char *spath = g_build_filename(out, "summary.json", NULL);

        if (!g_file_set_contents(spath, summary->str, (gssize)summary->len, &error)) {
            fprintf(stderr, "duixian: %s\n", error->message);
            rc = DX_EXIT_OUTPUT;
            goto out;
        }
    }
    rc = DX_EXIT_OK;
out:
    g_free(order);
    g_free(cell);
    if (list != NULL)
        dx_decision_list_unref(list);
    if (batch != NULL)
        dx_batch_free(batch);
    if (reg.csv != NULL)
        g_string_free(reg.csv, TRUE);
    g_hash_table_destroy(reg.row_of);
    g_ptr_array_unref(reg.ids);
    return rc;
}
