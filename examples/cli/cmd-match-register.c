/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian match RULES REGISTER.csv --out DIR: 免申即享 over a whole
 * enterprise register. dx_register_match() decides every enterprise (one
 * row each, no `policy` column) against every policy, in blocks, on the
 * batch's threads, and hands them over in enterprise_id order; this file
 * streams them into one CSV per policy and summary.json in DIR (docs/cli.md,
 * "match over a register"). Nothing is held per enterprise × policy here:
 * a row is written as it comes, through stdio's buffer.
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* A policy's output file, written through a buffer of its own: stdio's
 * locked putc/fputs per cell was a quarter of the time (perf). */
#define REG_BUF (1 << 18)

typedef struct {
    FILE *f;
    char *part, *path;          /* written under .part, renamed when all is done */
    size_t n_q, n_m, n_n, n_e;
    int64_t total;
    char *buf;
    size_t len;
    gboolean failed;
} RegOut;

static void
reg_flush(RegOut *o)
{
    if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = TRUE;
    o->len = 0;
}

static void
reg_put(RegOut *o, const char *s, size_t n)
{
    if (o->len + n > REG_BUF) {
        reg_flush(o);
        if (n > REG_BUF) {
            if (fwrite(s, 1, n, o->f) != n)
                o->failed = TRUE;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void
reg_c(RegOut *o, char c)
{
    if (o->len == REG_BUF)
        reg_flush(o);
    o->buf[o->len++] = c;
}

static void
reg_str(RegOut *o, const char *s)
{
    reg_put(o, s, strlen(s));
}

static void
reg_cell(RegOut *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        reg_str(out, s);
        return;
    }
    reg_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            reg_c(out, '"');
        reg_c(out, *s);
    }
    reg_c(out, '"');
}

/* An int64 in decimal, as %lld writes it, without printf's parsing per row. */
static void
reg_int(RegOut *out, int64_t v)
{
    char buf[24], *q = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--q = '-';
    reg_put(out, q, (size_t)(buf + sizeof buf - q));
}

static int
reg_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    DxRuleset *rs;
    const char *dir;
    gboolean opened;            /* DIR and its files exist: not before the register read well */
    RegOut *outs;               /* one per policy, ruleset order */
    size_t n_ent;
    gboolean write_failed;
} RegSink;

/* Makes DIR and a .part file per policy, with its header. */
static gboolean
reg_open(RegSink *sink, GError **error)
{
    size_t n_pol = dx_ruleset_get_n_policies(sink->rs);

    sink->opened = TRUE;
    if (g_mkdir_with_parents(sink->dir, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", sink->dir, g_strerror(errno));
        return FALSE;
    }
    for (size_t p = 0; p < n_pol; p++) {
        RegOut *o = &sink->outs[p];
        g_autofree char *file = g_strconcat(dx_ruleset_get_policy_id(sink->rs, p), ".csv", NULL);
        g_autofree char *part = g_strconcat(".", file, ".part", NULL);

        o->path = g_build_filename(sink->dir, file, NULL);
        o->part = g_build_filename(sink->dir, part, NULL);
        o->f = fopen(o->part, "wb");
        if (o->f == NULL) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", o->part, g_strerror(errno));
            return FALSE;
        }
        o->buf = g_malloc(REG_BUF);
        reg_str(o, "enterprise_id,status,amount_fen,missing,reasons\n");
    }
    return TRUE;
}

static gboolean
reg_write(const char *id, const DxDecision *const *ds, gsize n_pol, void *user_data, GError **error)
{
    RegSink *sink = user_data;

    if (!sink->opened && !reg_open(sink, error)) {
        sink->write_failed = TRUE;
        return FALSE;
    }
    sink->n_ent++;
    for (gsize p = 0; p < n_pol; p++) {
        RegOut *o = &sink->outs[p];
        const DxDecision *d = ds[p];
        const char *st = reg_status(d);

        reg_cell(o, id);
        reg_c(o, ',');
        reg_str(o, st);
        reg_c(o, ',');
        if (*st == 'q') {
            reg_int(o, dx_decision_get_computed_fen(d));
            o->total += dx_decision_get_computed_fen(d);
            o->n_q++;
        } else if (*st == 'm') {
            o->n_m++;
        } else if (*st == 'e') {
            o->n_e++;
        } else {
            o->n_n++;
        }
        reg_c(o, ',');
        if (d != NULL && *st == 'm') {
            g_autofree char *labels = dx_cli_missing_labels(d);

            reg_cell(o, labels);
        }
        reg_c(o, ',');
        for (size_t r = 0; d != NULL && r < dx_decision_get_n_reasons(d); r++) {
            if (r > 0)
                reg_c(o, ';');
            reg_str(o, dx_reason_code_to_string(dx_decision_get_reason_code(d, r)));
        }
        reg_c(o, '\n');
        if (o->failed) {
            g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", o->part, g_strerror(errno));
            sink->write_failed = TRUE;
            return FALSE;
        }
    }
    return TRUE;
}

int
dx_cli_match_register(DxRuleset *rs, const char *path, const char *date, const char *out, guint threads)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) summary = g_string_new("{\n  \"enterprises\": ");
    g_autoptr(GPtrArray) pids = g_ptr_array_new();
    size_t n_pol = dx_ruleset_get_n_policies(rs), len = 0;
    RegSink sink = { rs, out, FALSE, g_new0(RegOut, MAX(n_pol, 1)), 0, FALSE };
    int rc = DX_EXIT_INPUT;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        goto out;
    }
    if (!dx_register_match(rs, path, data, len, date, threads, reg_write, &sink, &error)) {
        fprintf(stderr, "duixian: %s\n", error->message);
        rc = sink.write_failed ? DX_EXIT_OUTPUT : DX_EXIT_INPUT;
        goto out;
    }
    g_clear_pointer(&data, g_free);
    if (!sink.opened && !reg_open(&sink, &error)) {   /* a register of no enterprise */
        fprintf(stderr, "duixian: %s\n", error->message);
        rc = DX_EXIT_OUTPUT;
        goto out;
    }
    for (size_t p = 0; p < n_pol; p++) {
        RegOut *o = &sink.outs[p];
        FILE *f = o->f;

        reg_flush(o);
        o->f = NULL;
        if (o->failed || fclose(f) != 0 || rename(o->part, o->path) != 0) {
            fprintf(stderr, "duixian: %s: %s\n", o->path, g_strerror(errno));
            rc = DX_EXIT_OUTPUT;
            goto out;
        }
    }
    g_string_append_printf(summary, "%zu,\n  \"policies\": [", sink.n_ent);
    /* policies in id order, so summary.json does not depend on the rules' order */
    for (size_t p = 0; p < n_pol; p++)
        g_ptr_array_add(pids, (gpointer)dx_ruleset_get_policy_id(rs, p));
    g_ptr_array_sort(pids, reg_cmp);
    for (guint k = 0; k < pids->len; k++) {
        size_t p = 0;
        const RegOut *o;

        while (strcmp(dx_ruleset_get_policy_id(rs, p), pids->pdata[k]) != 0)
            p++;
        o = &sink.outs[p];
        g_string_append_printf(summary, "%s\n    {\"policy_id\": ", k > 0 ? "," : "");
        dx_cli_json_string(summary, pids->pdata[k]);
        g_string_append_printf(summary, ", \"qualified\": %zu, \"missing\": %zu, \"not_eligible\": %zu, \"error\": %zu, "
                               "\"amount_fen\": %" G_GINT64_FORMAT "}", o->n_q, o->n_m, o->n_n, o->n_e, o->total);
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
    for (size_t p = 0; p < n_pol; p++) {
        RegOut *o = &sink.outs[p];

        if (o->f != NULL) {   /* a failed match leaves no half-written file */
            fclose(o->f);
            remove(o->part);
        }
        g_free(o->part);
        g_free(o->path);
        g_free(o->buf);
    }
    g_free(sink.outs);
    return rc;
}
