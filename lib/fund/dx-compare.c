/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reform comparison (duixian compare, dx-compare.h): two rounds of the
 * same applications, under the rules as they are and as they would be,
 * side by side: per envelope the demand, what was granted and the
 * rationing factor; per policy the applications and what was granted; per
 * enterprise who gains and who loses and by how much. Everything is summed
 * in fen from the decisions; the factor is shown as a percentage rounded for
 * reading only and kept as an exact fraction in compare.json.
 */
#include "duixian/duixian.h"
#include "base/dx-json-private.h"
#include "base/dx-money-private.h"
#include "base/dx-out-private.h"
#include "rules/dx-ruleset-private.h"

#include <string.h>

typedef struct {
    int64_t fen[2];
    size_t n[2];
    int64_t demand[2];           /* envelopes only: what the round's decisions asked of it */
} CmpSums;

static CmpSums *
cmp_sums(GHashTable *t, const char *key)
{
    CmpSums *s = g_hash_table_lookup(t, key);

    if (s == NULL) {
        s = g_new0(CmpSums, 1);
        g_hash_table_insert(t, g_strdup(key), s);
    }
    return s;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of @t, sorted (a GPtrArray of borrowed strings). */
static GPtrArray *
cmp_sorted_keys(GHashTable *t)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, t);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_ptr_array_add(keys, k);
    g_ptr_array_sort(keys, cmp_str);
    return keys;
}

static const char *
cmp_envelope_of(const DxRuleset *rs, const char *bureau)
{
    for (guint e = 0; e < rs->n_envelopes; e++) {
        if (strcmp(rs->envelopes[e].key, bureau) == 0 || strcmp(rs->envelopes[e].key, "*") == 0)
            return rs->envelopes[e].key;
    }
    return NULL;
}

static void
cmp_add_round(GHashTable *ent, GHashTable *pol, GHashTable *env, DxRound *round, const DxRuleset *rs, int side)
{
    DxDecisionList *list = dx_round_get_decisions(round);

    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        int64_t g = dx_decision_get_granted_fen(d);
        const char *p = dx_decision_get_policy_id(d), *e = dx_decision_get_enterprise_id(d);
        const char *envelope = cmp_envelope_of(rs, dx_decision_get_bureau(d));
        CmpSums *s;

        if (*e != '\0') {
            s = cmp_sums(ent, e);
            s->fen[side] += g;
            s->n[side]++;
        }
        if (*p != '\0') {
            s = cmp_sums(pol, p);
            s->fen[side] += g;
            s->n[side]++;
        }
        if (envelope != NULL)
            cmp_sums(env, envelope)->fen[side] += g;
    }
}

/* "91.78%": granted / demand, rounded half up to 0.01% for reading. */
static char *
cmp_factor(int64_t granted, int64_t demand)
{
    __int128 basis;
    int64_t bp;

    if (demand <= 0)
        return g_strdup("—");
    basis = (__int128)granted * 10000 * 2 + demand;   /* half up */
    bp = (int64_t)(basis / ((__int128)demand * 2));
    return g_strdup_printf("%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT "%%", bp / 100, bp % 100);
}

static void
html_escape(GString *out, const char *s)
{
    g_autofree char *e = g_markup_escape_text(s, -1);

    g_string_append(out, e);
}

static void
html_money_cell(GString *out, int64_t fen)
{
    g_autofree char *m = dx_money_format(fen);

    g_string_append_printf(out, "<td class=\"n\">%s</td>", m);
}

/* One SVG bar pair per policy: base (grey) and reform (blue), on one scale. */
static void
html_bars(GString *out, GPtrArray *policies, GHashTable *pol)
{
    int64_t max = 1;
    guint h = 26 * policies->len + 30;

    for (guint i = 0; i < policies->len; i++) {
        const CmpSums *s = g_hash_table_lookup(pol, g_ptr_array_index(policies, i));

        max = MAX(max, MAX(s->fen[0], s->fen[1]));
    }
    g_string_append_printf(out, "<svg role=\"img\" aria-label=\"按政策核定金额\" width=\"760\" height=\"%u\" "
                                "viewBox=\"0 0 760 %u\">\n", h, h);
    for (guint i = 0; i < policies->len; i++) {
        const char *id = g_ptr_array_index(policies, i);
        const CmpSums *s = g_hash_table_lookup(pol, id);
        /* widths in whole pixels of 500, from fen: integer arithmetic */
        int64_t w0 = (int64_t)((__int128)s->fen[0] * 500 / max), w1 = (int64_t)((__int128)s->fen[1] * 500 / max);
        guint y = 10 + 26 * i;

        g_string_append_printf(out, "  <text x=\"0\" y=\"%u\" font-size=\"12\">", y + 14);
        html_escape(out, id);
        g_string_append_printf(out, "</text>\n  <rect class=\"base\" x=\"160\" y=\"%u\" width=\"%" G_GINT64_FORMAT
                                    "\" height=\"10\" fill=\"#9aa0a6\"/>\n  <rect class=\"reform\" x=\"160\" y=\"%u\" "
                                    "width=\"%" G_GINT64_FORMAT "\" height=\"10\" fill=\"#1a73e8\"/>\n",
                               y, w0, y + 11, w1);
    }
    g_string_append(out, "</svg>\n");
}

static char *
cmp_html(const DxRuleset *a, const DxRuleset *b, GPtrArray *envs, GHashTable *env,
         GPtrArray *policies, GHashTable *pol, GPtrArray *ents, GHashTable *ent)
{
    GString *out = g_string_new("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>政策调整对比");
    g_autoptr(GPtrArray) movers = g_ptr_array_new();

    g_string_append(out, "</title>\n<style>body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Zen Hei\","
                         "\"Microsoft YaHei\",\"PingFang SC\",sans-serif;margin:2em}table{border-collapse:collapse}"
                         "td,th{border:1px solid #ccc;padding:2px 8px}td.n{text-align:right}"
                         ".up{color:#137333}.down{color:#c5221f}</style></head><body>\n<h1>政策调整对比</h1>\n<p>基准：");
    html_escape(out, a->source_name);
    g_string_append(out, "；调整后：");
    html_escape(out, b->source_name);
    for (guint i = 0; b->overrides != NULL && i < b->overrides->len; i++) {
        g_string_append(out, i == 0 ? "（试算设定 " : "，");
        html_escape(out, g_ptr_array_index(b->overrides, i));
        g_string_append(out, i + 1 == b->overrides->len ? "）" : "");
    }
    g_string_append(out, "</p>\n<h2>各额度</h2>\n<table id=\"envelopes\"><tr><th>额度</th><th>基准申请</th><th>基准核定</th>"
                         "<th>基准兑现比例</th><th>调整后申请</th><th>调整后核定</th><th>调整后兑现比例</th></tr>\n");
    for (guint i = 0; i < envs->len; i++) {
        const char *k = g_ptr_array_index(envs, i);
        const CmpSums *s = g_hash_table_lookup(env, k);

        g_string_append(out, "<tr><td>");
        html_escape(out, k);
        g_string_append(out, "</td>");
        for (int side = 0; side < 2; side++) {
            g_autofree char *f = cmp_factor(s->fen[side], s->demand[side]);

            html_money_cell(out, s->demand[side]);
            html_money_cell(out, s->fen[side]);
            g_string_append_printf(out, "<td class=\"n\">%s</td>", f);
        }
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</table>\n<h2>各政策核定金额</h2>\n<p>灰：基准；蓝：调整后。</p>\n");
    html_bars(out, policies, pol);
    g_string_append(out, "<table id=\"policies\"><tr><th>政策</th><th>基准</th><th>调整后</th><th>变化</th></tr>\n");
    for (guint i = 0; i < policies->len; i++) {
        const char *id = g_ptr_array_index(policies, i);
        const CmpSums *s = g_hash_table_lookup(pol, id);

        g_string_append(out, "<tr><td>");
        html_escape(out, id);
        g_string_append(out, "</td>");
        html_money_cell(out, s->fen[0]);
        html_money_cell(out, s->fen[1]);
        html_money_cell(out, s->fen[1] - s->fen[0]);
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</table>\n<h2>增减最多的企业</h2>\n<table id=\"enterprises\"><tr><th>企业</th><th>基准</th>"
                         "<th>调整后</th><th>变化</th></tr>\n");
    for (guint i = 0; i < ents->len; i++) {
        const CmpSums *s = g_hash_table_lookup(ent, g_ptr_array_index(ents, i));

        if (s->fen[0] != s->fen[1])
            g_ptr_array_add(movers, g_ptr_array_index(ents, i));
    }
    for (guint i = 0; i < movers->len && i < 50; i++) {
        const char *e = g_ptr_array_index(movers, i);
        const CmpSums *s = g_hash_table_lookup(ent, e);

        g_string_append_printf(out, "<tr class=\"%s\"><td>", s->fen[1] > s->fen[0] ? "up" : "down");
        html_escape(out, e);
        g_string_append(out, "</td>");
        html_money_cell(out, s->fen[0]);
        html_money_cell(out, s->fen[1]);
        html_money_cell(out, s->fen[1] - s->fen[0]);
        g_string_append(out, "</tr>\n");
    }
    g_string_append_printf(out, "</table>\n<p>%u 家企业金额有变化（表中按统一社会信用代码排列，最多列 50 家；全部见 compare.csv）。</p>\n"
                                "</body></html>\n", movers->len);
    return g_string_free(out, FALSE);
}

/* @text into @path through a temporary file renamed into place. */
static gboolean
cmp_write(const char *path, const char *text, GError **error)
{
    DxOutFile o;

    if (!dx_out_open(&o, path, NULL, error))
        return FALSE;
    g_string_append(o.buf, text);
    return dx_out_close(&o, TRUE, error);
}

gboolean
dx_compare_write(DxRound *base, DxRound *reform, const char *dir, GError **error)
{
    const DxRuleset *rs[2];
    g_autoptr(GHashTable) ent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) pol = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) ents = NULL, pols = NULL, envs = NULL;
    g_autoptr(GString) csv = g_string_new("enterprise_id,base_granted_fen,reform_granted_fen,change_fen\n");
    g_autoptr(GString) json = g_string_new("{\n  \"envelopes\": {");
    g_autofree char *html = NULL;
    DxRound *rounds[2] = { base, reform };

    g_return_val_if_fail(base != NULL && reform != NULL && dir != NULL, FALSE);
    for (int side = 0; side < 2; side++) {
        DxDecisionList *list = dx_round_get_decisions(rounds[side]);

        rs[side] = dx_decision_list_get_ruleset(list);
        cmp_add_round(ent, pol, env, rounds[side], rs[side], side);
    }
    /* every envelope of either ruleset has a row, granted or not, with
     * the demand its own round put on it (0 on the side that lacks it) */
    for (int side = 0; side < 2; side++) {
        for (guint e = 0; e < rs[side]->n_envelopes; e++) {
            CmpSums *s = cmp_sums(env, rs[side]->envelopes[e].key);

            s->n[side]++;
            s->demand[side] = dx_round_get_envelope_requested_fen(rounds[side], e);
        }
    }
    envs = cmp_sorted_keys(env);
    ents = cmp_sorted_keys(ent);
    pols = cmp_sorted_keys(pol);
    for (guint i = 0; i < ents->len; i++) {
        const char *e = g_ptr_array_index(ents, i);
        const CmpSums *s = g_hash_table_lookup(ent, e);

        dx_out_cell(csv, e);
        g_string_append_printf(csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", s->fen[0],
                               s->fen[1], s->fen[1] - s->fen[0]);
    }
    for (guint i = 0; i < envs->len; i++) {
        const char *k = g_ptr_array_index(envs, i);
        const CmpSums *s = g_hash_table_lookup(env, k);

        g_string_append(json, i > 0 ? ",\n    " : "\n    ");
        dx_json_append_string(json, k);
        g_string_append_printf(json, ": {\"base\": {\"demand_fen\": %" G_GINT64_FORMAT ", \"granted_fen\": %" G_GINT64_FORMAT
                                     "}, \"reform\": {\"demand_fen\": %" G_GINT64_FORMAT ", \"granted_fen\": %" G_GINT64_FORMAT "}}",
                               s->demand[0], s->fen[0], s->demand[1], s->fen[1]);
    }
    g_string_append(json, "\n  },\n  \"policies\": {");
    for (guint i = 0; i < pols->len; i++) {
        const char *p = g_ptr_array_index(pols, i);
        const CmpSums *s = g_hash_table_lookup(pol, p);

        g_string_append(json, i > 0 ? ",\n    " : "\n    ");
        dx_json_append_string(json, p);
        g_string_append_printf(json, ": {\"base\": {\"decisions\": %zu, \"granted_fen\": %" G_GINT64_FORMAT
                                     "}, \"reform\": {\"decisions\": %zu, \"granted_fen\": %" G_GINT64_FORMAT "}}",
                               s->n[0], s->fen[0], s->n[1], s->fen[1]);
    }
    g_string_append(json, "\n  }\n}\n");
    html = cmp_html(rs[0], rs[1], envs, env, pols, pol, ents, ent);
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be created", dir);
        return FALSE;
    }
    {
        g_autofree char *p1 = g_build_filename(dir, "compare.csv", NULL);
        g_autofree char *p2 = g_build_filename(dir, "compare.json", NULL);
        g_autofree char *p3 = g_build_filename(dir, "compare.html", NULL);

        return cmp_write(p1, csv->str, error) && cmp_write(p2, json->str, error) && cmp_write(p3, html, error);
    }
}
