/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The hostile-input table (tests/hostile/cases.tsv), through the public
 * API: every bad input gives exactly the error its row names (code and the
 * line:col it points at), or the decision it names (status, reason code and
 * the 第 R 行第 C 列 of the cell), within a bounded time. Big inputs
 * (100 MB scalars, 1,000,000 columns, 10,000-deep nesting) are generated
 * here at test time, never committed. The CLI runs the same table in
 * run-cli.py. Columns, tab-separated:
 *
 *   id  kind  input  expect  where  what
 *
 * kind:   rules (dx_ruleset_load_file), lint (the rules load, with a
 *         warning, dx_ruleset_get_warning(); expect is warning~TEXT and
 *         where the L:C the warning names), decide (load the rules, then decide
 *         one fixed application), csv / yaml (an application file through
 *         dx_batch_add_*_file with rules/wuchang-2022.yaml), history
 *         (dx_round_add_history_file)
 * input:  @path (from the source root) | text:C-escaped bytes |
 *         minimal:OLD=>NEW (rules/minimal.yaml with OLD replaced once; C
 *         escapes) | gen:NAME (see generate())
 * expect: an error code without DX_ERROR_ (LIMIT, YAML_SYNTAX, ...),
 *         decision:STATUS:REASON (some decision has it), warning (the file
 *         is read with a warning) or ok (read without error: fuzz
 *         regressions that once crashed); any of them may end in ~TEXT,
 *         which the error message, the decision's reason or the warning
 *         must contain (what staff read, not only the code)
 * where:  L:C that the error message names as "file:L:C:", or R:C / R that
 *         the decision's reason names as 第 R 行第 C 列 / 第 R 行; - for none
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "duixian/duixian.h"
#include "dx-test-helpers.h"

typedef struct {
    char *id, *kind, *input, *expect, *where, *what;
    char *says;             /* (nullable) the ~TEXT of expect, cut off it */
    int lineno;
} Case;

/* The message of @c must contain its ~TEXT, if it has one. */
static void
check_says(const Case *c, const char *message)
{
    if (c->says != NULL && strstr(message, c->says) == NULL)
        fail_msg("%s (cases.tsv:%d): the message does not say “%s”: %s", c->id, c->lineno, c->says, message);
}

static char *src_root;
static char *tmp_dir;
static DxRuleset *wuchang;

static const char *const error_names[] = {
    "FAILED", "IO", "YAML_SYNTAX", "RULES_INVALID", "EXPR_SYNTAX", "EXPR_TYPE",
    "EXPR_UNKNOWN_FIELD", "INPUT_INVALID", "VALUE_INVALID", "LIMIT", "UNKNOWN_FIELD",
    "LEDGER", "LEDGER_CORRUPT", "HISTORY_INVALID",
};

static GString *
unescape(const char *s)
{
    GString *out = g_string_new(NULL);
    for (; *s; s++) {
        if (*s != '\\' || s[1] == '\0') {
            g_string_append_c(out, *s);
            continue;
        }
        s++;
        switch (*s) {
        case 'n': g_string_append_c(out, '\n'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case '0': g_string_append_c(out, '\0'); break;
        case 'x': {
            char hex[3] = { s[1], s[2], 0 };
            g_string_append_c(out, (char)strtol(hex, NULL, 16));
            s += 2;
            break;
        }
        default: g_string_append_c(out, *s); break;
        }
    }
    return out;
}

static void
repeat(GString *s, const char *piece, gsize n)
{
    gsize len = strlen(piece);
    g_string_set_size(s, s->len);
    for (gsize i = 0; i < n; i++)
        g_string_append_len(s, piece, (gssize)len);
}

static char *
read_minimal(void)
{
    g_autofree char *path = g_build_filename(src_root, "rules", "minimal.yaml", NULL);

    return dx_test_read_file(path, NULL);
}

/* Big or repetitive inputs, made here rather than committed. */
static GString *
generate(const char *name)
{
    GString *s = g_string_new(NULL);
    const char *hdr = "app_id,enterprise_id,policy,submitted_on,实缴资本（元）\n";
    if (strcmp(name, "rules-deep-seq-10000") == 0) {
        repeat(s, "[", 10000); repeat(s, "]", 10000);
    } else if (strcmp(name, "rules-deep-map-10000") == 0) {
        repeat(s, "{a: ", 10000); g_string_append(s, "1"); repeat(s, "}", 10000);
    } else if (strcmp(name, "rules-100mb-scalar") == 0) {
        g_string_append(s, "format: duixian/1\nfund:\n  name: ");
        repeat(s, "兑现兑现兑现兑现", (100u << 20) / 24);
        g_string_append_c(s, '\n');
    } else if (strcmp(name, "rules-2mb-scalar") == 0) {
        char *m = read_minimal();
        g_string_append(s, m);
        g_free(m);
        g_string_append(s, "# padding\nextra: \"");
        repeat(s, "x", 2u << 20);
        g_string_append(s, "\"\n");
    } else if (strcmp(name, "rules-2m-nodes") == 0) {
        g_string_append(s, "format: duixian/1\nfund: [");
        repeat(s, "1,", 2000000);
        g_string_append(s, "1]\n");
    } else if (strcmp(name, "rules-expr-deep-10000") == 0 || strcmp(name, "rules-expr-70kb") == 0) {
        char *m = read_minimal();
        GString *e = g_string_new(NULL);
        if (strcmp(name, "rules-expr-deep-10000") == 0) {
            repeat(e, "(", 10000); g_string_append(e, "district == \"a\""); repeat(e, ")", 10000);
        } else {
            g_string_append(e, "district == \"a\"");
            g_string_append(e, " or district == \""); repeat(e, "x", 70u << 10); g_string_append_c(e, '"');
        }
        char **parts = g_strsplit(m, "district == \"武昌区\"", 2);
        g_assert_nonnull(parts[1]);
        g_string_printf(s, "%s'%s'%s", parts[0], e->str, parts[1]);
        g_strfreev(parts);
        g_string_free(e, TRUE);
        g_free(m);
    } else if (strcmp(name, "csv-1m-columns-header") == 0) {
        g_string_append(s, "app_id");
        repeat(s, ",c", 999999);
        g_string_append_c(s, '\n');
    } else if (strcmp(name, "csv-1m-columns-row") == 0) {
        g_string_append(s, hdr);
        g_string_append(s, "A1,E1,FIN-HQ,2022-05-10,1亿元\nA2");
        repeat(s, ",x", 999999);
        g_string_append_c(s, '\n');
    } else if (strcmp(name, "csv-100mb-cell") == 0) {
        g_string_append(s, hdr);
        g_string_append(s, "A1,E1,FIN-HQ,2022-05-10,\"");
        repeat(s, "0123456789", 10u << 20);
        g_string_append(s, "\"\n");
    } else if (strcmp(name, "csv-100mb-unterminated") == 0) {
        g_string_append(s, hdr);
        g_string_append(s, "A1,E1,FIN-HQ,2022-05-10,\"");
        repeat(s, "0123456789\n", 10u << 20);
    } else if (strcmp(name, "yaml-deep-10000") == 0) {
        repeat(s, "[", 10000); repeat(s, "]", 10000);
    } else if (strcmp(name, "yaml-100mb-scalar") == 0) {
        g_string_append(s, "- {app_id: A1, enterprise_id: E1, policy: FIN-HQ, submitted_on: 2022-05-10, "
                           "district: \"");
        repeat(s, "武昌区武昌区", (100u << 20) / 18);
        g_string_append(s, "\"}\n");
    } else if (strcmp(name, "json-1m-keys") == 0) {
        g_string_append(s, "[{\"app_id\": \"A1\"");
        for (guint i = 0; i < 1000000; i++)
            g_string_append_printf(s, ", \"k%u\": 1", i);
        g_string_append(s, "}]\n");
    } else if (strcmp(name, "history-1m-columns") == 0) {
        g_string_append(s, "enterprise_id,policy_id,group,amount_fen,date\nE1");
        repeat(s, ",x", 999999);
        g_string_append_c(s, '\n');
    } else {
        fail_msg("unknown generator %s", name);
    }
    return s;
}

/* Writes the case's input to a file and returns its path. */
static char *
materialize(const Case *c)
{
    GString *data;
    if (c->input[0] == '@')
        return g_build_filename(src_root, c->input + 1, NULL);
    if (g_str_has_prefix(c->input, "text:")) {
        data = unescape(c->input + 5);
    } else if (g_str_has_prefix(c->input, "minimal:")) {
        const char *arrow = strstr(c->input, "=>");
        assert_non_null(arrow);
        char *old_esc = g_strndup(c->input + 8, (gsize)(arrow - c->input - 8));
        GString *old = unescape(old_esc), *new_ = unescape(arrow + 2);
        char *m = read_minimal();
        char *at = strstr(m, old->str);
        if (at == NULL || strstr(at + 1, old->str) != NULL)
            fail_msg("%s: '%s' is not in rules/minimal.yaml exactly once", c->id, old->str);
        data = g_string_new_len(m, at - m);
        g_string_append_len(data, new_->str, (gssize)new_->len);
        g_string_append(data, at + old->len);
        g_free(m);
        g_free(old_esc);
        g_string_free(old, TRUE);
        g_string_free(new_, TRUE);
    } else if (g_str_has_prefix(c->input, "gen:")) {
        data = generate(c->input + 4);
    } else {
        fail_msg("%s: bad input column", c->id);
        return NULL;
    }
    const char *ext = strcmp(c->kind, "csv") == 0 || strcmp(c->kind, "history") == 0 ? "csv" : "yaml";
    char *path = g_strdup_printf("%s/%s.%s", tmp_dir, c->id, ext);
    GError *err = NULL;
    if (!g_file_set_contents(path, data->str, (gssize)data->len, &err))
        fail_msg("%s", err->message);
    g_string_free(data, TRUE);
    return path;
}

static void
check_error(const Case *c, const char *path, GError *err)
{
    if (err == NULL)
        fail_msg("%s (cases.tsv:%d): no error, expected %s", c->id, c->lineno, c->expect);
    assert_true(err->domain == DX_ERROR);
    const char *got = (guint)err->code < G_N_ELEMENTS(error_names) ? error_names[err->code] : "?";
    if (strcmp(got, c->expect) != 0)
        fail_msg("%s (cases.tsv:%d): got %s (%s), expected %s", c->id, c->lineno, got, err->message,
                 c->expect);
    if (strchr(err->message, '\n') != NULL)
        fail_msg("%s: message has more than one line: %s", c->id, err->message);
    if (strcmp(c->where, "-") != 0) {
        char *base = g_path_get_basename(path);
        char *want = g_strdup_printf(":%s:", c->where);
        if (strstr(err->message, base) == NULL || strstr(err->message, want) == NULL)
            fail_msg("%s (cases.tsv:%d): message does not name %s%s: %s", c->id, c->lineno, base, want,
                     err->message);
        g_free(base);
        g_free(want);
    }
    check_says(c, err->message);
    print_message("# %s: %s\n", c->id, err->message);
}

static void
check_decisions(const Case *c, DxDecisionList *dl)
{
    if (strcmp(c->expect, "warning") == 0 || strcmp(c->expect, "ok") == 0)
        return;   /* a warning is checked by the caller; ok: read without error */
    if (!g_str_has_prefix(c->expect, "decision:"))
        fail_msg("%s (cases.tsv:%d): no error, expected %s", c->id, c->lineno, c->expect);
    char **want = g_strsplit(c->expect + 9, ":", 2);
    for (size_t i = 0; i < dx_decision_list_get_n_items(dl); i++) {
        const DxDecision *d = dx_decision_list_get_item(dl, i);
        const char *status = dx_status_to_string(dx_decision_get_status(d));
        if (strcmp(status, want[0]) != 0)
            continue;
        for (size_t j = 0; j < dx_decision_get_n_reasons(d); j++) {
            if (strcmp(dx_reason_code_to_string(dx_decision_get_reason_code(d, j)), want[1]) != 0)
                continue;
            char *msg = dx_decision_dup_reason_message(d, j);
            gboolean ok = TRUE;
            if (strcmp(c->where, "-") != 0) {
                char **rc = g_strsplit(c->where, ":", 2);
                /* 「字段」填写有误（第 R 行第 C 列） or 第 R 行格式有误：第 C 列：... */
                char *loc = rc[1] ? g_strdup_printf("第 %s 行第 %s 列", rc[0], rc[1])
                                  : g_strdup_printf("第 %s 行", rc[0]);
                char *row = g_strdup_printf("第 %s 行", rc[0]);
                char *col = rc[1] ? g_strdup_printf("第 %s 列：", rc[1]) : NULL;
                ok = strstr(msg, loc) != NULL ||
                     (col != NULL && strstr(msg, row) != NULL && strstr(msg, col) != NULL);
                g_free(loc);
                g_free(row);
                g_free(col);
                g_strfreev(rc);
            }
            if (ok && c->says != NULL && strstr(msg, c->says) == NULL)
                ok = FALSE;
            if (ok) {
                print_message("# %s: %s %s: %s\n", c->id, status, want[1], msg);
                g_free(msg);
                g_strfreev(want);
                return;
            }
            g_free(msg);
        }
    }
    char *csv = dx_decision_list_dup_csv(dl);
    fail_msg("%s (cases.tsv:%d): no decision %s naming %s in:\n%s", c->id, c->lineno, c->expect,
             c->where, csv);
}

static void
run_case(void **state)
{
    const Case *c = *state;
    char *path = materialize(c);
    GError *err = NULL;
    gint64 t0 = g_get_monotonic_time();

    if (strcmp(c->kind, "lint") == 0) {
        DxRuleset *rs = dx_ruleset_load_file(path, NULL, &err);
        size_t w = 0;

        if (rs == NULL)
            fail_msg("%s (cases.tsv:%d): the rules did not load: %s", c->id, c->lineno, err->message);
        if (strcmp(c->expect, "warning") != 0)
            fail_msg("%s (cases.tsv:%d): a lint case expects warning~TEXT", c->id, c->lineno);
        while (w < dx_ruleset_get_n_warnings(rs) &&
               (c->says != NULL && strstr(dx_ruleset_get_warning(rs, w), c->says) == NULL))
            w++;
        if (w == dx_ruleset_get_n_warnings(rs))
            fail_msg("%s (cases.tsv:%d): no warning says “%s” (%zu warnings)", c->id, c->lineno,
                     c->says != NULL ? c->says : "", dx_ruleset_get_n_warnings(rs));
        if (strcmp(c->where, "-") != 0) {
            g_autofree char *want = g_strdup_printf(":%s:", c->where);

            if (strstr(dx_ruleset_get_warning(rs, w), want) == NULL)
                fail_msg("%s (cases.tsv:%d): the warning does not name %s: %s", c->id, c->lineno, want,
                         dx_ruleset_get_warning(rs, w));
        }
        print_message("# %s: warning: %s\n", c->id, dx_ruleset_get_warning(rs, w));
        dx_ruleset_unref(rs);
    } else if (strcmp(c->kind, "rules") == 0 || strcmp(c->kind, "decide") == 0) {
        DxRuleset *rs = dx_ruleset_load_file(path, NULL, &err);
        if (rs != NULL && strcmp(c->kind, "decide") == 0) {
            DxApplication *app = dx_application_new(rs);
            assert_true(dx_application_set(app, "app_id", "A1", NULL));
            assert_true(dx_application_set(app, "enterprise_id", "E1", NULL));
            assert_true(dx_application_set(app, "policy", "COM-XS", NULL));
            assert_true(dx_application_set(app, "submitted_on", "2022-05-10", NULL));
            assert_true(dx_application_set(app, "district", "武昌区", NULL));
            assert_true(dx_application_set(app, "stats_entered_on", "2022-01-01", NULL));
            DxDecisionList *dl = dx_ruleset_decide(rs, app);
            check_decisions(c, dl);
            dx_decision_list_unref(dl);
            dx_application_free(app);
        } else if (rs != NULL) {
            fail_msg("%s (cases.tsv:%d): the rules loaded, expected %s", c->id, c->lineno, c->expect);
        } else {
            check_error(c, path, err);
        }
        dx_ruleset_unref(rs);
    } else if (strcmp(c->kind, "csv") == 0 || strcmp(c->kind, "yaml") == 0) {
        DxBatch *b = dx_batch_new(wuchang);
        gboolean ok = strcmp(c->kind, "csv") == 0 ? dx_batch_add_csv_file(b, path, NULL, &err)
                                                  : dx_batch_add_yaml_file(b, path, NULL, &err);
        if (ok && strcmp(c->expect, "warning") == 0) {
            if (dx_batch_get_n_warnings(b) == 0)
                fail_msg("%s (cases.tsv:%d): no warning", c->id, c->lineno);
            if (c->says != NULL) {
                size_t w = 0;

                while (w < dx_batch_get_n_warnings(b) && strstr(dx_batch_get_warning(b, w), c->says) == NULL)
                    w++;
                if (w == dx_batch_get_n_warnings(b))
                    fail_msg("%s (cases.tsv:%d): no warning says “%s”; the first: %s", c->id, c->lineno, c->says,
                             dx_batch_get_warning(b, 0));
            }
            print_message("# %s: warning: %.200s\n", c->id, dx_batch_get_warning(b, 0));
        }
        if (ok) {
            DxDecisionList *dl = dx_batch_decide(b);
            check_decisions(c, dl);
            dx_decision_list_unref(dl);
        } else {
            check_error(c, path, err);
        }
        dx_batch_free(b);
    } else if (strcmp(c->kind, "history") == 0) {
        DxRound *r = dx_round_new(wuchang, "2022-06-30", &err);
        assert_non_null(r);
        if (dx_round_add_history_file(r, path, &err))
            fail_msg("%s (cases.tsv:%d): history accepted, expected %s", c->id, c->lineno, c->expect);
        check_error(c, path, err);
        dx_round_free(r);
    } else {
        fail_msg("%s: unknown kind %s", c->id, c->kind);
    }
    g_clear_error(&err);
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    if (secs > 30)
        fail_msg("%s took %.1f s: a hostile input must not hang the reader", c->id, secs);
    if (c->input[0] != '@')
        g_unlink(path);
    g_free(path);
}

static Case *
read_table(const char *path, guint *n_out)
{
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, NULL, &err))
        g_error("%s", err->message);
    char **lines = g_strsplit(text, "\n", -1);
    GArray *cases = g_array_new(FALSE, TRUE, sizeof(Case));
    for (guint i = 0; lines[i] != NULL; i++) {
        if (lines[i][0] == '#' || lines[i][0] == '\0')
            continue;
        char **f = g_strsplit(lines[i], "\t", 6);
        if (g_strv_length(f) != 6)
            g_error("cases.tsv:%u: want 6 tab-separated columns", i + 1);
        Case c = { f[0], f[1], f[2], f[3], f[4], f[5], NULL, (int)i + 1 };
        char *tilde = strchr(c.expect, '~');

        g_free(f);   /* the strings now belong to the case */
        if (tilde != NULL) {
            GString *says = unescape(tilde + 1);

            c.says = g_string_free(says, FALSE);
            *tilde = '\0';
        }
        g_array_append_val(cases, c);
    }
    g_strfreev(lines);
    g_free(text);
    *n_out = cases->len;
    return (Case *)g_array_free(cases, FALSE);
}

int
main(void)
{
    const char *root = g_getenv("DX_SOURCE_ROOT");
    src_root = g_strdup(root ? root : ".");
    tmp_dir = g_dir_make_tmp("dx-hostile-XXXXXX", NULL);
    char *table = g_build_filename(src_root, "tests", "hostile", "cases.tsv", NULL);
    char *rules = g_build_filename(src_root, "rules", "wuchang-2022.yaml", NULL);
    GError *err = NULL;
    wuchang = dx_ruleset_load_file(rules, NULL, &err);
    g_assert_no_error(err);

    guint n;
    Case *cases = read_table(table, &n);
    const char *only = g_getenv("DX_HOSTILE_ONLY");   /* one case id, for debugging */
    struct CMUnitTest *tests = g_new0(struct CMUnitTest, n);
    guint n_tests = 0;
    for (guint i = 0; i < n; i++) {
        if (only != NULL && strcmp(only, cases[i].id) != 0)
            continue;
        tests[n_tests].name = cases[i].id;
        tests[n_tests].test_func = run_case;
        tests[n_tests].initial_state = &cases[i];
        n_tests++;
    }
    int rc = _cmocka_run_group_tests("hostile", tests, n_tests, NULL, NULL);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("# %u cases; peak RSS %ld MiB\n", n_tests, ru.ru_maxrss >> 10);
    g_rmdir(tmp_dir);
    for (guint i = 0; i < n; i++) {
        g_free(cases[i].id); g_free(cases[i].kind); g_free(cases[i].input);
        g_free(cases[i].expect); g_free(cases[i].where); g_free(cases[i].what); g_free(cases[i].says);
    }
    g_free(cases);
    g_free(tests);
    g_free(table);
    g_free(rules);
    dx_ruleset_unref(wuchang);
    g_free(tmp_dir);
    g_free(src_root);
    return rc;
}
