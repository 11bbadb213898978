/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the Excel writer (dx-cli-xlsx.c) and publish (cmd-publish.c) read:
 * a round's output directory (decisions.csv, schedule.csv, summary.json as
 * dx_round_write_outputs() wrote them), and the enterprise names of an
 * applications CSV. They read files back rather than a DxRound so that both
 * work later, from a round directory or a ledger's export, exactly like
 * duixian report.
 *
 * The CSV reader is RFC 4180 (quoted cells, doubled quotes, line breaks
 * inside quotes, CRLF), because an applications file comes from Excel or a
 * 政务服务 export, not only from us.
 */
#include "dx-cli-private.h"

#include <string.h>

static void
cli_row_free(gpointer row)
{
    g_strfreev(row);
}

GPtrArray *
dx_cli_csv_parse(const char *text, gsize len, guint *bad_line)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(cli_row_free);
    GPtrArray *cells = g_ptr_array_new();
    GString *cell = g_string_new(NULL);
    const char *p = text, *end = text + len;
    guint line = 1, row_line = 1;
    gboolean quoted = FALSE, any = FALSE;

    *bad_line = 0;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)   /* Excel's UTF-8 BOM */
        p += 3;
    for (; p < end; p++) {
        char c = *p;

        if (quoted) {
            if (c == '"' && p + 1 < end && p[1] == '"')
                g_string_append_c(cell, *p++);
            else if (c == '"')
                quoted = FALSE;
            else {
                line += c == '\n';
                g_string_append_c(cell, c);
            }
            continue;
        }
        if (c == '"' && cell->len == 0)
            quoted = any = TRUE;
        else if (c == ',') {
            g_ptr_array_add(cells, g_string_free(cell, FALSE));
            cell = g_string_new(NULL);
            any = TRUE;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && p + 1 < end && p[1] == '\n')
                p++;
            if (any || cell->len > 0 || cells->len > 0) {
                g_ptr_array_add(cells, g_string_free(cell, FALSE));
                g_ptr_array_add(cells, NULL);
                g_ptr_array_add(rows, g_ptr_array_free(cells, FALSE));
                cells = g_ptr_array_new();
                cell = g_string_new(NULL);
            }
            any = FALSE;
            row_line = ++line;
        } else {
            g_string_append_c(cell, c);
            any = TRUE;
        }
    }
    if (quoted)
        *bad_line = row_line;   /* a quote opened on this line never closes */
    if (any || cell->len > 0 || cells->len > 0) {
        g_ptr_array_add(cells, g_string_free(cell, FALSE));
        g_ptr_array_add(cells, NULL);
        g_ptr_array_add(rows, g_ptr_array_free(cells, FALSE));
    } else {
        g_string_free(cell, TRUE);
        g_ptr_array_free(cells, TRUE);
    }
    return rows;
}

/* The integer after "key": within [p, end); FALSE when absent. */
static gboolean
cli_json_int(const char *p, const char *end, const char *key, int64_t *out)
{
    g_autofree char *pat = g_strdup_printf("\"%s\":", key);
    const char *hit = g_strstr_len(p, end - p, pat);
    char *stop = NULL;

    if (hit == NULL)
        return FALSE;
    hit += strlen(pat);
    while (*hit == ' ')
        hit++;
    *out = g_ascii_strtoll(hit, &stop, 10);
    return stop != hit;
}

static char *
cli_json_string(const char *json, const char *key)
{
    g_autofree char *pat = g_strdup_printf("\"%s\": \"", key);
    const char *hit = strstr(json, pat), *end;

    if (hit == NULL)
        return NULL;
    hit += strlen(pat);
    end = strchr(hit, '"');
    return end != NULL ? g_strndup(hit, end - hit) : NULL;
}

static gboolean
cli_read_csv(const char *dir, const char *name, guint min_cells, GPtrArray **out, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL), *text = NULL;
    gsize len = 0;
    guint bad = 0;

    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    *out = dx_cli_csv_parse(text, len, &bad);
    for (guint i = 0; i < (*out)->len && bad == 0; i++) {
        if (g_strv_length(g_ptr_array_index(*out, i)) < min_cells)
            bad = i + 1;
    }
    if (bad != 0 || (*out)->len == 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: line %u: not as duixian writes it (%u columns)", path,
                    MAX(bad, 1), min_cells);
        return FALSE;
    }
    g_ptr_array_remove_index(*out, 0);   /* the header */
    return TRUE;
}

void
dx_cli_round_files_free(DxCliRoundFiles *rf)
{
    if (rf == NULL)
        return;
    g_clear_pointer(&rf->decisions, g_ptr_array_unref);
    g_clear_pointer(&rf->schedule, g_ptr_array_unref);
    g_free(rf->envelopes);
    g_free(rf->approval_date);
    g_free(rf->summary);
    g_free(rf);
}

DxCliRoundFiles *
dx_cli_round_files_read(DxRuleset *rs, const char *dir, GError **error)
{
    g_autoptr(DxCliRoundFiles) rf = g_new0(DxCliRoundFiles, 1);
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL), *fund = NULL;
    const char *envs;

    if (!g_file_get_contents(path, &rf->summary, NULL, error) ||
        !cli_read_csv(dir, "decisions.csv", 8, &rf->decisions, error) ||
        !cli_read_csv(dir, "schedule.csv", 10, &rf->schedule, error))
        return NULL;
    fund = cli_json_string(rf->summary, "fund");
    rf->approval_date = cli_json_string(rf->summary, "approval_date");
    if (fund == NULL || rf->approval_date == NULL || strlen(rf->approval_date) != 10) {
        g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: no fund or approval_date", path);
        return NULL;
    }
    if (strcmp(fund, dx_ruleset_get_fund_id(rs)) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: the round is of fund “%s”, the rules of “%s”", dir,
                    fund, dx_ruleset_get_fund_id(rs));
        return NULL;
    }
    rf->n_envelopes = dx_ruleset_get_n_envelopes(rs);
    rf->envelopes = g_new0(DxCliEnvelope, rf->n_envelopes);
    envs = strstr(rf->summary, "\"envelopes\": {");
    for (size_t e = 0; e < rf->n_envelopes; e++) {
        g_autofree char *pat = g_strdup_printf("\"%s\": {", dx_ruleset_get_envelope_key(rs, e));
        const char *p = envs != NULL ? strstr(envs, pat) : NULL, *end = p != NULL ? strchr(p, '}') : NULL;
        DxCliEnvelope *v = &rf->envelopes[e];

        if (end == NULL || !cli_json_int(p, end, "total", &v->total_fen) ||
            !cli_json_int(p, end, "charged_before", &v->charged_before_fen) ||
            !cli_json_int(p, end, "requested", &v->requested_fen) ||
            !cli_json_int(p, end, "granted", &v->granted_fen) ||
            !cli_json_int(p, end, "remaining", &v->remaining_fen)) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "%s: envelopes.%s: missing or incomplete", path,
                        dx_ruleset_get_envelope_key(rs, e));
            return NULL;
        }
    }
    return g_steal_pointer(&rf);
}

gssize
dx_cli_bureau_envelope(DxRuleset *rs, const char *bureau)
{
    gssize shared = -1;

    for (size_t e = 0; e < dx_ruleset_get_n_envelopes(rs); e++) {
        if (strcmp(dx_ruleset_get_envelope_key(rs, e), bureau) == 0)
            return (gssize)e;
        if (strcmp(dx_ruleset_get_envelope_key(rs, e), "*") == 0)
            shared = (gssize)e;
    }
    return shared;
}

gssize
dx_cli_bureau_index(DxRuleset *rs, const char *bureau)
{
    for (size_t b = 0; b < dx_ruleset_get_n_bureaus(rs); b++) {
        if (strcmp(dx_ruleset_get_bureau_key(rs, b), bureau) == 0)
            return (gssize)b;
    }
    return -1;
}

gssize
dx_cli_policy_index(DxRuleset *rs, const char *policy)
{
    for (size_t i = 0; i < dx_ruleset_get_n_policies(rs); i++) {
        if (strcmp(dx_ruleset_get_policy_id(rs, i), policy) == 0)
            return (gssize)i;
    }
    return -1;
}

