/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for reading applications (lib/input/dx-app-reader.c) through the public
 * batch API: docs/rules.md §2 "Data cells" and the CSV rules (header by field names
 * and aliases, BOM, GB18030 detected or forced, ignored columns listed
 * once, fatal header problems, ragged rows, blank lines, bad cells naming
 * field and row), and YAML/JSON lists of maps (null = missing, non-map
 * items, nested values, unknown keys). Every decision must carry the
 * physical line it came from. The ruleset is written inline so each
 * expectation can be checked against it by eye.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/duixian.h"
#include "dx-test-helpers.h"

/* One policy with one clause, a fixed award and every field type, so a
 * clean row is `approved` and each bad cell is visible as `invalid`. */
static const char rules_yaml[] =
    "format: duixian/1\n"
    "fund:\n"
    "  id: TEST/READER\n"
    "  name: 读取测试经费\n"
    "  total: 1亿元\n"
    "  period: {from: 2022-01-01, to: 2022-12-31}\n"
    "  shortfall: pro_rata\n"
    "bureaus:\n"
    "  commerce: 区商务局\n"
    "fields:\n"
    "  app_id: {label: 申报编号, aliases: [申报编号]}\n"
    "  enterprise_id: {label: 统一社会信用代码, aliases: [统一社会信用代码]}\n"
    "  submitted_on: {label: 申报日期, aliases: [申报日期]}\n"
    "  policy: {aliases: [policy_id, 申报事项]}\n"
    "  district: {type: text, label: 注册地}\n"
    "  capital: {type: money, label: 实缴资本, aliases: [实缴资本（元）]}\n"
    "  growth: {type: number, label: 营业收入增速}\n"
    "  employees: {type: integer, label: 从业人数}\n"
    "  blacklisted: {type: bool, label: 失信主体, default: false}\n"
    "  established_on: {type: date, label: 成立日期}\n"
    "policies:\n"
    "  - id: P\n"
    "    name: 测试政策\n"
    "    bureau: commerce\n"
    "    basis: 测试依据\n"
    "    eligible:\n"
    "      - 非失信主体: not blacklisted\n"
    "    award: {fixed: 10万元}\n";

/* ------------------------------------------------------------------ helpers */

static int
setup_ruleset(void **state)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_data(rules_yaml, -1, "rules.yaml", NULL, &error);

    if (error != NULL)
        fprintf(stderr, "# %s\n", error->message);
    assert_non_null(rs);
    *state = rs;
    return 0;
}

static int
teardown_ruleset(void **state)
{
    dx_ruleset_unref(*state);
    return 0;
}

/* The decision for @app_id (the first in output order), or fails. */
static const DxDecision *
find_decision(const DxDecisionList *list, const char *app_id)
{
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        if (strcmp(dx_decision_get_app_id(d), app_id) == 0)
            return d;
    }
    fail_msg("no decision for %s", app_id);
    return NULL;
}

static void
assert_decision(const DxDecisionList *list, const char *app_id, DxStatus status, const char *codes,
                uint64_t row)
{
    const DxDecision *d = find_decision(list, app_id);
    g_autofree char *got = dx_test_reason_codes(d);

    assert_string_equal(dx_status_to_string(dx_decision_get_status(d)), dx_status_to_string(status));
    assert_string_equal(got, codes);
    assert_int_equal(dx_decision_get_row(d), row);
}

/* A list item that is not a map: one invalid decision whose first reason
 * is about the row itself (the reasons after it name the required
 * built-ins the item could not give). */
static void
assert_non_map_item(const DxDecisionList *list, uint64_t row)
{
    const DxDecision *d = find_decision(list, "");
    g_autofree char *msg = NULL;
    g_autofree char *want = g_strdup_printf("第 %" G_GUINT64_FORMAT " 行", row);

    assert_int_equal(dx_decision_get_status(d), DX_STATUS_INVALID);
    assert_int_equal(dx_decision_get_row(d), row);
    assert_true(dx_decision_get_n_reasons(d) >= 1);
    for (size_t i = 0; i < dx_decision_get_n_reasons(d); i++)
        assert_int_equal(dx_decision_get_reason_code(d, i), DX_REASON_INVALID_FIELD);
    msg = dx_decision_dup_reason_message(d, 0);
    assert_non_null(strstr(msg, want));
}

/* Reads @csv into a fresh batch and decides it; the batch is returned for its warnings. */
static DxDecisionList *
decide_csv(DxRuleset *rs, const char *csv, gssize len, const DxLoadOptions *options, DxBatch **out_batch)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(GError) error = NULL;
    DxDecisionList *list;

    if (!dx_batch_add_csv_data(batch, csv, len, "apps.csv", options, &error))
        fail_msg("%s", error->message);
    list = dx_batch_decide(batch);
    if (out_batch != NULL)
        *out_batch = g_steal_pointer(&batch);
    return list;
}

static DxDecisionList *
decide_yaml(DxRuleset *rs, const char *text, DxBatch **out_batch)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(GError) error = NULL;
    DxDecisionList *list;

    if (!dx_batch_add_yaml_data(batch, text, -1, "apps.yaml", NULL, &error))
        fail_msg("%s", error->message);
    list = dx_batch_decide(batch);
    if (out_batch != NULL)
        *out_batch = g_steal_pointer(&batch);
    return list;
}

/* Reading @csv must fail with @code and a message starting with @prefix. */
static void
assert_csv_fatal(DxRuleset *rs, const char *csv, DxError code, const char *prefix)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(GError) error = NULL;

    assert_false(dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error));
    assert_non_null(error);
    assert_true(error->domain == DX_ERROR);
    assert_int_equal(error->code, code);
    if (!g_str_has_prefix(error->message, prefix))
        fail_msg("“%s” does not start with “%s”", error->message, prefix);
}

/* ------------------------------------------------------------------ CSV header */

static void
test_app_reader_csv_header_names_and_aliases(void **state)
{
    static const struct {
        const char *csv;
    } cases[] = {
        /* field names */
        { "app_id,enterprise_id,submitted_on,policy,capital\nA1,E1,2022-05-01,P,1000\n" },
        /* aliases, Chinese included, in any column order */
        { "实缴资本（元）,申报事项,申报日期,统一社会信用代码,申报编号\n1000,P,2022-05-01,E1,A1\n" },
        { "申报编号,统一社会信用代码,申报日期,policy_id\nA1,E1,2022-05-01,P\n" },
        /* surrounding whitespace in the header is not part of the name */
        { " app_id , enterprise_id,submitted_on ,policy\nA1,E1,2022-05-01,P\n" },
        /* no policy column: matching mode, P matches */
        { "app_id,enterprise_id,submitted_on\nA1,E1,2022-05-01\n" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxBatch) batch = NULL;
        g_autoptr(DxDecisionList) list = decide_csv(*state, cases[i].csv, -1, NULL, &batch);

        assert_int_equal(dx_decision_list_get_n_items(list), 1);
        assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
        assert_string_equal(dx_decision_get_enterprise_id(find_decision(list, "A1")), "E1");
        assert_string_equal(dx_decision_get_policy_id(find_decision(list, "A1")), "P");
        assert_int_equal(dx_batch_get_n_warnings(batch), 0);
    }
}

static void
test_app_reader_csv_bom(void **state)
{
    static const char csv[] = "\xEF\xBB\xBF" "app_id,enterprise_id,submitted_on,policy\nA1,E1,2022-05-01,P\n";
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, &batch);

    assert_int_equal(dx_decision_list_get_n_items(list), 1);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_int_equal(dx_batch_get_n_warnings(batch), 0);
}

static char *
gb18030_of(const char *utf8, gsize *len)
{
    g_autoptr(GError) error = NULL;
    char *gb = g_convert(utf8, -1, "GB18030", "UTF-8", NULL, len, &error);

    assert_null(error);
    assert_non_null(gb);
    return gb;
}

static void
test_app_reader_csv_gb18030(void **state)
{
    static const char utf8[] =
        "申报编号,统一社会信用代码,申报日期,申报事项,district,实缴资本（元）\n"
        "甲1,E1,2022-05-01,P,武昌区,\"5,000万元\"\n";
    static const DxEncoding encs[] = { DX_ENCODING_AUTO, DX_ENCODING_GB18030 };
    gsize len = 0;
    g_autofree char *gb = gb18030_of(utf8, &len);
    g_autofree char *path = NULL;
    int fd;

    /* really not UTF-8, or the test proves nothing */
    assert_false(g_utf8_validate(gb, (gssize)len, NULL));
    fd = g_file_open_tmp("dx-app-reader-XXXXXX.csv", &path, NULL);
    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, gb, (gssize)len, NULL));

    for (size_t i = 0; i < G_N_ELEMENTS(encs); i++) {
        g_autoptr(DxLoadOptions) opts = dx_load_options_new();
        g_autoptr(DxDecisionList) from_data = NULL;
        g_autoptr(DxDecisionList) from_file = NULL;
        g_autoptr(DxBatch) batch = dx_batch_new(*state);
        g_autoptr(GError) error = NULL;

        dx_load_options_set_encoding(opts, encs[i]);
        from_data = decide_csv(*state, gb, (gssize)len, opts, NULL);
        assert_int_equal(dx_decision_list_get_n_items(from_data), 1);
        assert_decision(from_data, "甲1", DX_STATUS_APPROVED, "award_fixed", 2);

        assert_true(dx_batch_add_csv_file(batch, path, opts, &error));
        assert_null(error);
        from_file = dx_batch_decide(batch);
        assert_decision(from_file, "甲1", DX_STATUS_APPROVED, "award_fixed", 2);
        assert_int_equal(dx_batch_get_n_warnings(batch), 0);
    }
    /* Forced UTF-8: the header does not decode, so the required columns are not found. */
    {
        g_autoptr(DxLoadOptions) opts = dx_load_options_new();
        g_autoptr(DxBatch) batch = dx_batch_new(*state);
        g_autoptr(GError) error = NULL;

        dx_load_options_set_encoding(opts, DX_ENCODING_UTF8);
        assert_false(dx_batch_add_csv_data(batch, gb, (gssize)len, "apps.csv", opts, &error));
        assert_true(g_str_has_prefix(error->message, "apps.csv:1:"));
    }
    g_unlink(path);
}

static void
test_app_reader_csv_extra_columns_warned_once(void **state)
{
    static const char csv[] =
        "app_id,备注,enterprise_id,submitted_on,policy,联系人\n"
        "A1,x,E1,2022-05-01,P,张三\n"
        "A2,y,E2,2022-05-01,P,李四\n";
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, &batch);
    const char *w;

    assert_int_equal(dx_decision_list_get_n_items(list), 2);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "A2", DX_STATUS_APPROVED, "award_fixed", 3);
    assert_int_equal(dx_batch_get_n_warnings(batch), 1);
    w = dx_batch_get_warning(batch, 0);
    assert_true(g_str_has_prefix(w, "apps.csv"));
    assert_non_null(strstr(w, "备注"));
    assert_non_null(strstr(w, "联系人"));
    assert_null(strchr(w, '\n'));
}

static void
test_app_reader_csv_header_fatal(void **state)
{
    static const struct {
        const char *csv;
        DxError code;
        const char *prefix;
    } cases[] = {
        /* a required column is missing */
        { "enterprise_id,submitted_on,policy\nE1,2022-05-01,P\n", DX_ERROR_INPUT_INVALID, "apps.csv:1:" },
        { "app_id,submitted_on,policy\nA1,2022-05-01,P\n", DX_ERROR_INPUT_INVALID, "apps.csv:1:" },
        { "app_id,enterprise_id,policy\nA1,E1,P\n", DX_ERROR_INPUT_INVALID, "apps.csv:1:" },
        /* ... even after a BOM and with the header on a later line */
        { "\xEF\xBB\xBF" "app_id,enterprise_id\n", DX_ERROR_INPUT_INVALID, "apps.csv:1:" },
        { "\napp_id,enterprise_id\n", DX_ERROR_INPUT_INVALID, "apps.csv:2:" },
        /* two columns for one field: name + alias, alias + alias, name twice */
        { "app_id,enterprise_id,submitted_on,申报编号\nA1,E1,2022-05-01,A1\n", DX_ERROR_INPUT_INVALID,
          "apps.csv:1:4:" },
        { "app_id,enterprise_id,submitted_on,policy_id,申报事项\nA1,E1,2022-05-01,P,P\n",
          DX_ERROR_INPUT_INVALID, "apps.csv:1:5:" },
        { "app_id,capital,enterprise_id,submitted_on,capital\nA1,1,E1,2022-05-01,1\n",
          DX_ERROR_INPUT_INVALID, "apps.csv:1:5:" },
        /* an empty file has no header */
        { "", DX_ERROR_INPUT_INVALID, "apps.csv:1:1:" },
        /* a quote never closed, in the header or in a row: line:col of the quote */
        { "app_id,\"enterprise_id\nA1\n", DX_ERROR_INPUT_INVALID, "apps.csv:1:8:" },
        { "app_id,enterprise_id,submitted_on,policy\nA1,E1,2022-05-01,P\nA2,\"E2,2022-05-01,P\n",
          DX_ERROR_INPUT_INVALID, "apps.csv:3:4:" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_csv_fatal(*state, cases[i].csv, cases[i].code, cases[i].prefix);
}

static void
test_app_reader_csv_rows_before_fatal_stay(void **state)
{
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy\n"
        "A1,E1,2022-05-01,P\n"
        "A2,\"E2,2022-05-01,P\n";
    g_autoptr(DxBatch) batch = dx_batch_new(*state);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxDecisionList) list = NULL;

    assert_false(dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error));
    assert_true(g_str_has_prefix(error->message, "apps.csv:3:4:"));
    list = dx_batch_decide(batch);
    assert_int_equal(dx_decision_list_get_n_items(list), 1);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
}

/* ------------------------------------------------------------------ CSV rows */

static void
test_app_reader_csv_ragged_rows(void **state)
{
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy\n"
        "A1,E1,2022-05-01,P\n"
        "A2,E2,2022-05-01\n"             /* short */
        "A3,E3,2022-05-01,P,extra\n"     /* long */
        "A4,E4,2022-05-01,P\n";
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, NULL);
    const DxDecision *d;

    assert_int_equal(dx_decision_list_get_n_items(list), 4);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "A2", DX_STATUS_INVALID, "invalid_field", 3);
    assert_decision(list, "A3", DX_STATUS_INVALID, "invalid_field", 4);
    assert_decision(list, "A4", DX_STATUS_APPROVED, "award_fixed", 5);
    d = find_decision(list, "A2");
    {
        g_autofree char *msg = dx_decision_dup_reason_message(d, 0);

        assert_non_null(strstr(msg, "3"));   /* the row */
        assert_int_equal(dx_decision_get_computed_fen(d), 0);
    }
}

static void
test_app_reader_csv_bad_cells(void **state)
{
    /* Each row has exactly one bad cell; the message names the field's
     * label and the row (its physical line). */
    static const struct {
        const char *column;
        const char *cell;
        const char *label;
    } cases[] = {
        { "capital", "12.345", "实缴资本" },           /* 3 decimals of 元 */
        { "capital", "\"1,23万元\"", "实缴资本" },   /* bad thousands group */
        { "capital", "5万美元", "实缴资本" },
        { "capital", "100000000000000.01", "实缴资本" }, /* > 10^13 元 */
        { "established_on", "2022-02-30", "成立日期" },
        { "established_on", "2022/02/01", "成立日期" },
        { "employees", "1.5", "从业人数" },
        { "employees", "12人", "从业人数" },
        { "employees", "99999999999999999999", "从业人数" },
        { "growth", "1e3", "营业收入增速" },
        { "growth", "0.1234567891", "营业收入增速" },   /* 10 decimals */
        { "blacklisted", "yes", "失信主体" },
        { "blacklisted", "1", "失信主体" },
        { "submitted_on", "2022-13-01", "申报日期" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *csv = NULL;
        g_autoptr(DxDecisionList) list = NULL;
        g_autofree char *msg = NULL;
        const DxDecision *d;
        gboolean is_submitted = strcmp(cases[i].column, "submitted_on") == 0;

        if (is_submitted)
            csv = g_strdup_printf("app_id,enterprise_id,policy,submitted_on\n"
                                  "A0,E0,P,2022-05-01\n"
                                  "\n"
                                  "A1,E1,P,%s\n",
                                  cases[i].cell);
        else
            csv = g_strdup_printf("app_id,enterprise_id,policy,submitted_on,%s\n"
                                  "A0,E0,P,2022-05-01,\n"
                                  "\n"
                                  "A1,E1,P,2022-05-01,%s\n",
                                  cases[i].column, cases[i].cell);
        list = decide_csv(*state, csv, -1, NULL, NULL);
        assert_int_equal(dx_decision_list_get_n_items(list), 2);
        assert_decision(list, "A1", DX_STATUS_INVALID, "invalid_field", 4);
        d = find_decision(list, "A1");
        assert_int_equal(dx_decision_get_granted_fen(d), 0);
        assert_string_equal(dx_decision_get_policy_id(d), "P");
        msg = dx_decision_dup_reason_message(d, 0);
        if (strstr(msg, cases[i].label) == NULL || strstr(msg, "第 4 行") == NULL)
            fail_msg("case %zu: “%s” lacks “%s” or the row", i, msg, cases[i].label);
    }
}

static void
test_app_reader_csv_good_cells(void **state)
{
    /* Cells of every type that are valid; the policy only needs blacklisted. */
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,capital,growth,employees,blacklisted,established_on,district\n"
        "A1,E1,2022-05-01,P,\"5,000万元\",15%,-12,FALSE,2020-02-29,  武昌区  \n"
        "A2,E2, 2022-05-01 ,P, 1.2亿 ,2‰,+7,False,2022-12-31,\n"
        "A3,E3,2022-05-01,P,1.234567万,0.123456789,9223372036854775807,TRUE,2000-01-01,x\n";
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, NULL);

    assert_int_equal(dx_decision_list_get_n_items(list), 3);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "A2", DX_STATUS_APPROVED, "award_fixed", 3);
    assert_decision(list, "A3", DX_STATUS_REJECTED, "clause_failed", 4);
}

static void
test_app_reader_csv_default_and_missing(void **state)
{
    /* blacklisted has `default: false`: an empty cell (or no column) takes
     * it; whitespace only is empty too. */
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,blacklisted\n"
        "A1,E1,2022-05-01,P,\n"
        "A2,E2,2022-05-01,P,   \n"
        "A3,E3,2022-05-01,P,true\n"
        "A4,E4,,P,\n"     /* a required built-in empty */
        ",E5,2022-05-01,P,\n";
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, NULL);

    assert_int_equal(dx_decision_list_get_n_items(list), 5);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "A2", DX_STATUS_APPROVED, "award_fixed", 3);
    assert_decision(list, "A3", DX_STATUS_REJECTED, "clause_failed", 4);
    assert_decision(list, "A4", DX_STATUS_INVALID, "invalid_field", 5);
    assert_decision(list, "", DX_STATUS_INVALID, "invalid_field", 6);
    /* an empty required cell is named with its row, like any bad cell */
    {
        g_autofree char *msg = dx_decision_dup_reason_message(find_decision(list, "A4"), 0);

        assert_non_null(strstr(msg, "申报日期"));
        assert_non_null(strstr(msg, "第 5 行"));
    }
    {
        g_autofree char *msg = dx_decision_dup_reason_message(find_decision(list, ""), 0);

        assert_non_null(strstr(msg, "申报编号"));
        assert_non_null(strstr(msg, "第 6 行"));
    }
}

static void
test_app_reader_csv_blank_lines_and_rows(void **state)
{
    /* Blank lines (LF, CRLF) are skipped; rows keep their physical line,
     * and a record with a quoted line break starts where it starts. */
    static const char csv[] =
        "\r\n"
        "app_id,enterprise_id,submitted_on,policy,district\r\n"
        "\r\n"
        "A1,E1,2022-05-01,P,\"two\nlines\"\r\n"
        "\n"
        "\n"
        "A2,E2,2022-05-01,P,x\n"
        "\n";
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = decide_csv(*state, csv, -1, NULL, &batch);

    assert_int_equal(dx_decision_list_get_n_items(list), 2);
    assert_int_equal(dx_batch_get_n_rows(batch), 2);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 4);
    assert_decision(list, "A2", DX_STATUS_APPROVED, "award_fixed", 8);
}

static void
test_app_reader_csv_rows_equal_lines(void **state)
{
    /* Many rows: every decision's row is its line, in any output order. */
    g_autoptr(GString) csv = g_string_new("app_id,enterprise_id,submitted_on,policy\n");
    g_autoptr(DxDecisionList) list = NULL;

    for (int i = 0; i < 50; i++)
        g_string_append_printf(csv, "Z%02d,E%d,2022-05-01,%s\n%s", 49 - i, i, i % 7 == 3 ? "NOPE" : "P",
                               i % 5 == 0 ? "\n" : "");
    list = decide_csv(*state, csv->str, -1, NULL, NULL);
    assert_int_equal(dx_decision_list_get_n_items(list), 50);
    {
        g_auto(GStrv) lines = g_strsplit(csv->str, "\n", -1);

        for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
            const DxDecision *d = dx_decision_list_get_item(list, i);
            uint64_t row = dx_decision_get_row(d);

            assert_true(row >= 2 && row <= g_strv_length(lines));
            assert_true(g_str_has_prefix(lines[row - 1], dx_decision_get_app_id(d)));
        }
    }
}

/* ------------------------------------------------------------------ YAML and JSON */

static void
test_app_reader_yaml_list_of_maps(void **state)
{
    static const char yaml[] =
        "# applications\n"
        "- app_id: A1\n"                       /* line 2 */
        "  enterprise_id: E1\n"
        "  submitted_on: 2022-05-01\n"
        "  policy: P\n"
        "  实缴资本（元）: 5,000万元\n"
        "  备注: 无\n"
        "- {申报编号: A2, enterprise_id: E2, submitted_on: 2022-05-01, policy: P, blacklisted: TRUE}\n"  /* 8 */
        "- app_id: A3\n"                       /* 9 */
        "  enterprise_id: E3\n"
        "  submitted_on: 2022-05-01\n"
        "  policy: P\n"
        "  capital: 12.345\n"
        "- just text\n"                        /* 14 */
        "- app_id: A5\n"                       /* 15 */
        "  enterprise_id: E5\n"
        "  submitted_on: 2022-05-01\n"
        "  policy: P\n"
        "  district: [a, b]\n"
        "  联系人: 张三\n"
        "- app_id: A6\n"                       /* 21 */
        "  enterprise_id: E6\n"
        "  submitted_on: 2022-05-01\n"
        "  policy: P\n"
        "  blacklisted: ~\n"
        "- {app_id: A7, enterprise_id: E7, submitted_on: 2022-05-01, policy: P, employees: 1.5}\n";  /* 26 */
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = decide_yaml(*state, yaml, &batch);
    const char *w;

    assert_int_equal(dx_decision_list_get_n_items(list), 7);
    assert_decision(list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "A2", DX_STATUS_REJECTED, "clause_failed", 8);
    assert_decision(list, "A3", DX_STATUS_INVALID, "invalid_field", 9);
    assert_non_map_item(list, 14);
    assert_decision(list, "A5", DX_STATUS_INVALID, "invalid_field", 15);
    assert_decision(list, "A6", DX_STATUS_APPROVED, "award_fixed", 21);
    {
        g_autofree char *msg = dx_decision_dup_reason_message(find_decision(list, "A3"), 0);

        assert_non_null(strstr(msg, "实缴资本"));
    }
    {
        g_autofree char *msg = dx_decision_dup_reason_message(find_decision(list, "A5"), 0);

        /* the row is the map's line; the bad value is on line 19, so no
         * column of line 15 may be claimed */
        assert_non_null(strstr(msg, "注册地"));
        assert_non_null(strstr(msg, "第 15 行"));
        assert_null(strstr(msg, "第 15 行第"));
    }
    assert_decision(list, "A7", DX_STATUS_INVALID, "invalid_field", 26);
    {
        /* in a flow map on the row's line the column is exact */
        g_autofree char *msg = dx_decision_dup_reason_message(find_decision(list, "A7"), 0);

        assert_non_null(strstr(msg, "从业人数"));
        assert_non_null(strstr(msg, "第 26 行第 83 列"));
    }
    /* unknown keys: one warning listing each once */
    assert_int_equal(dx_batch_get_n_warnings(batch), 1);
    w = dx_batch_get_warning(batch, 0);
    assert_true(g_str_has_prefix(w, "apps.yaml"));
    assert_non_null(strstr(w, "备注"));
    assert_non_null(strstr(w, "联系人"));
}

static void
test_app_reader_json_list_of_maps(void **state)
{
    static const char json[] =
        "[\n"
        "  {\"app_id\": \"J1\", \"enterprise_id\": \"E1\", \"submitted_on\": \"2022-05-01\",\n"   /* 2 */
        "   \"policy\": \"P\", \"capital\": \"5,000万元\", \"blacklisted\": null},\n"
        "  {\"app_id\": \"J2\", \"enterprise_id\": \"E2\", \"submitted_on\": \"2022-05-01\",\n"   /* 4 */
        "   \"policy\": \"P\", \"district\": {\"nested\": 1}},\n"
        "  {\"app_id\": \"J3\", \"enterprise_id\": \"E3\", \"submitted_on\": \"2022-05-01\",\n"   /* 6 */
        "   \"policy\": \"P\", \"employees\": 12, \"blacklisted\": false, \"x\": 1},\n"
        "  [\"not\", \"a\", \"map\"],\n"                                                         /* 8 */
        "  {\"app_id\": \"J5\", \"enterprise_id\": null, \"submitted_on\": \"2022-05-01\"},\n"     /* 9 */
        "  {\"app_id\": \"J6\", \"enterprise_id\": \"E6\", \"submitted_on\": \"2022-05-01\",\n"   /* 10 */
        "   \"policy\": \"P\", \"district\": \"null\"}\n"
        "]\n";
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxDecisionList) list = decide_yaml(*state, json, &batch);

    assert_int_equal(dx_decision_list_get_n_items(list), 6);
    assert_decision(list, "J1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(list, "J2", DX_STATUS_INVALID, "invalid_field", 4);
    assert_decision(list, "J3", DX_STATUS_APPROVED, "award_fixed", 6);
    assert_non_map_item(list, 8);
    assert_decision(list, "J5", DX_STATUS_INVALID, "invalid_field", 9);   /* null = missing */
    assert_decision(list, "J6", DX_STATUS_APPROVED, "award_fixed", 10);   /* "null" quoted is text */
    assert_int_equal(dx_batch_get_n_warnings(batch), 1);
    assert_non_null(strstr(dx_batch_get_warning(batch, 0), "x"));
}

static void
test_app_reader_yaml_fatal(void **state)
{
    static const struct {
        const char *text;
        DxError code;
        const char *prefix;
    } cases[] = {
        { "app_id: A1\n", DX_ERROR_INPUT_INVALID, "apps.yaml:1:1:" },
        { "just text\n", DX_ERROR_INPUT_INVALID, "apps.yaml:1:1:" },
        { "[{\"app_id\": \"A1\"\n", DX_ERROR_YAML_SYNTAX, "apps.yaml:" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxBatch) batch = dx_batch_new(*state);
        g_autoptr(GError) error = NULL;

        assert_false(dx_batch_add_yaml_data(batch, cases[i].text, -1, "apps.yaml", NULL, &error));
        assert_non_null(error);
        assert_int_equal(error->code, cases[i].code);
        if (!g_str_has_prefix(error->message, cases[i].prefix))
            fail_msg("“%s” does not start with “%s”", error->message, cases[i].prefix);
    }
    /* an empty document holds no applications */
    {
        g_autoptr(DxBatch) batch = dx_batch_new(*state);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxDecisionList) list = NULL;

        assert_true(dx_batch_add_yaml_data(batch, "", -1, "apps.yaml", NULL, &error));
        list = dx_batch_decide(batch);
        assert_int_equal(dx_decision_list_get_n_items(list), 0);
    }
}

static void
test_app_reader_yaml_and_csv_agree(void **state)
{
    /* The same applications as CSV and as YAML give the same decisions.csv. */
    static const char csv[] =
        "app_id,enterprise_id,submitted_on,policy,capital,blacklisted\n"
        "A1,E1,2022-05-01,P,\"5,000万元\",\n"
        "A2,E2,2022-05-01,P,1.2亿,true\n"
        "A3,E3,2022-05-01,P,1.005,\n"
        "A4,E4,2022-05-01,Q,,\n";
    static const char yaml[] =
        "- {app_id: A1, enterprise_id: E1, submitted_on: 2022-05-01, policy: P, capital: \"5,000万元\"}\n"
        "- {app_id: A2, enterprise_id: E2, submitted_on: 2022-05-01, policy: P, capital: 1.2亿, blacklisted: true}\n"
        "- {app_id: A3, enterprise_id: E3, submitted_on: 2022-05-01, policy: P, capital: 1.005}\n"
        "- {app_id: A4, enterprise_id: E4, submitted_on: 2022-05-01, policy: Q}\n";
    g_autoptr(DxDecisionList) a = decide_csv(*state, csv, -1, NULL, NULL);
    g_autoptr(DxDecisionList) b = decide_yaml(*state, yaml, NULL);
    g_autofree char *ta = dx_decision_list_dup_csv(a);
    g_autofree char *tb = dx_decision_list_dup_csv(b);

    assert_string_equal(ta, tb);
    assert_non_null(strstr(ta, "A4,E4,Q,,invalid,0,0,unknown_policy\n"));
}

/* ------------------------------------------------------------------ one row read back */

/* Writes @bytes to a scratch file and returns its path (g_free; remove it with rm_file()). */
static char *
write_tmp(const char *name, const char *bytes, gssize len)
{
    g_autofree char *dir = g_dir_make_tmp("dx-read-row-XXXXXX", NULL);
    char *path = g_build_filename(dir, name, NULL);

    assert_true(g_file_set_contents(path, bytes, len, NULL));
    return path;
}

static void
rm_file(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    g_unlink(path);
    g_rmdir(dir);
}

/* The one decision of @app, decided alone: status, codes and app_id must be @want_*. */
static void
assert_app_decides(DxRuleset *rs, DxApplication *app, const char *app_id, DxStatus status, const char *codes)
{
    g_autoptr(DxDecisionList) list = dx_ruleset_decide(rs, app);

    assert_int_equal(dx_decision_list_get_n_items(list), 1);
    assert_decision(list, app_id, status, codes, dx_decision_get_row(dx_decision_list_get_item(list, 0)));
}

/* Rows are found by the line they start on (a quoted cell over two lines
 * and a blank line move the later ones), read as the batch read them (a
 * bad cell is invalid again), and their texts outlive the file's reader. */
static void
test_app_reader_read_row(void **state)
{
    DxRuleset *rs = *state;
    static const char csv[] =
        "申报编号,enterprise_id,submitted_on,policy,district,capital,blacklisted,note\n"   /* line 1 */
        "A1,E1,2022-05-01,P,武昌区,1000,false,x\n"                                         /* line 2 */
        "A2,E2,2022-05-01,P,\"两行\n的注册地\",2000,true,y\n"                               /* lines 3-4 */
        "\n"                                                                               /* line 5 */
        "A3,E3,2022-05-01,P,武昌区,12.345元,false,z\n";                                    /* line 6 */
    g_autofree char *path = write_tmp("apps.csv", csv, -1);
    g_autoptr(DxDecisionList) batch_list = NULL;
    g_autoptr(GError) error = NULL;

    {
        g_autoptr(DxBatch) batch = dx_batch_new(rs);

        assert_true(dx_batch_add_csv_file(batch, path, NULL, &error));
        batch_list = dx_batch_decide(batch);
    }
    assert_decision(batch_list, "A1", DX_STATUS_APPROVED, "award_fixed", 2);
    assert_decision(batch_list, "A2", DX_STATUS_REJECTED, "clause_failed", 3);
    assert_decision(batch_list, "A3", DX_STATUS_INVALID, "invalid_field", 6);

    {
        g_autoptr(DxApplication) a1 = dx_application_read_row(rs, path, 2, NULL, &error);
        g_autoptr(DxApplication) a2 = dx_application_read_row(rs, path, 3, NULL, &error);
        g_autoptr(DxApplication) a3 = dx_application_read_row(rs, path, 6, NULL, &error);
        g_autoptr(DxApplication) first = dx_application_read_row(rs, path, 0, NULL, &error);
        g_autofree char *noise = g_strnfill(4096, 'q');   /* reuses freed reader memory, if it was borrowed */

        assert_null(error);
        assert_non_null(a1);
        assert_non_null(a2);
        assert_non_null(a3);
        assert_non_null(first);
        (void)noise;
        assert_app_decides(rs, a1, "A1", DX_STATUS_APPROVED, "award_fixed");
        assert_app_decides(rs, a2, "A2", DX_STATUS_REJECTED, "clause_failed");
        assert_app_decides(rs, a3, "A3", DX_STATUS_INVALID, "invalid_field");
        assert_app_decides(rs, first, "A1", DX_STATUS_APPROVED, "award_fixed");
        /* values: set, by alias or name; a bad cell and an unknown column have none */
        assert_true(dx_application_has_value(a1, "申报编号"));
        assert_true(dx_application_has_value(a1, "实缴资本（元）"));
        assert_true(dx_application_has_value(a2, "district"));
        assert_false(dx_application_has_value(a1, "growth"));
        assert_false(dx_application_has_value(a3, "capital"));
        assert_false(dx_application_has_value(a1, "note"));
        {
            /* the explanation shows the row's text values */
            g_autoptr(DxDecisionList) list = dx_ruleset_decide(rs, a2);
            g_autofree char *text = dx_decision_dup_explanation(dx_decision_list_get_item(list, 0), a2, "en");

            assert_non_null(strstr(text, "A2"));
        }
    }

    /* no row starts on line 4 (inside A2's quoted cell), 5 (blank) or 7 (past the end) */
    for (guint64 line = 4; line <= 7; line += line == 5 ? 2 : 1) {
        g_autoptr(DxApplication) none = dx_application_read_row(rs, path, line, NULL, &error);

        assert_null(none);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_FAILED));
        assert_non_null(strstr(error->message, "no row starts on this line"));
        g_clear_error(&error);
    }
    rm_file(path);
}

/* A profile of one enterprise: no app_id column is needed; line 0 is the
 * first row; a GB18030 file is decoded as the batch would decode it. */
static void
test_app_reader_read_row_profile_and_encoding(void **state)
{
    DxRuleset *rs = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *gb = g_convert("申报编号,统一社会信用代码,申报日期,policy\nA1,企业一,2022-05-01,P\n", -1, "GB18030",
                                    "UTF-8", NULL, NULL, NULL);
    g_autofree char *gb_path = write_tmp("gb.csv", gb, -1);
    g_autofree char *profile = write_tmp("profile.csv", "\xEF\xBB\xBF" "district,capital\n武昌区,\"1,000\"\n", -1);

    {
        g_autoptr(DxApplication) app = dx_application_read_row(rs, gb_path, 0, NULL, &error);
        g_autoptr(DxDecisionList) list = NULL;

        assert_null(error);
        assert_non_null(app);
        list = dx_ruleset_decide(rs, app);
        assert_string_equal(dx_decision_get_enterprise_id(dx_decision_list_get_item(list, 0)), "企业一");
    }
    {
        g_autoptr(DxApplication) app = dx_application_read_row(rs, profile, 0, NULL, &error);

        assert_null(error);
        assert_non_null(app);
        assert_true(dx_application_has_value(app, "district"));
        assert_true(dx_application_has_value(app, "capital"));
        assert_false(dx_application_has_value(app, "app_id"));
    }
    rm_file(gb_path);
    rm_file(profile);
}

/* Problems of the file before the row are the batch's errors. */
static void
test_app_reader_read_row_errors(void **state)
{
    DxRuleset *rs = *state;
    g_autoptr(GError) error = NULL;
    g_autofree char *dup = write_tmp("dup.csv", "app_id,申报编号\nA1,A2\n", -1);
    g_autofree char *empty = write_tmp("empty.csv", "", 0);
    g_autofree char *header_only = write_tmp("header.csv", "app_id\n", -1);
    g_autofree char *open_quote = write_tmp("quote.csv", "app_id\n\"A1\n", -1);

    assert_null(dx_application_read_row(rs, "/nonexistent/apps.csv", 2, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
    g_clear_error(&error);
    assert_null(dx_application_read_row(rs, dup, 2, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
    assert_non_null(strstr(error->message, "columns 1 and 2 both give field “app_id”"));
    g_clear_error(&error);
    assert_null(dx_application_read_row(rs, empty, 0, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
    assert_non_null(strstr(error->message, "empty file"));
    g_clear_error(&error);
    assert_null(dx_application_read_row(rs, header_only, 0, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_FAILED));
    assert_non_null(strstr(error->message, "no row after the header"));
    g_clear_error(&error);
    assert_null(dx_application_read_row(rs, open_quote, 2, NULL, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
    g_clear_error(&error);
    rm_file(dup);
    rm_file(empty);
    rm_file(header_only);
    rm_file(open_quote);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_app_reader_csv_header_names_and_aliases),
        cmocka_unit_test(test_app_reader_csv_bom),
        cmocka_unit_test(test_app_reader_csv_gb18030),
        cmocka_unit_test(test_app_reader_csv_extra_columns_warned_once),
        cmocka_unit_test(test_app_reader_csv_header_fatal),
        cmocka_unit_test(test_app_reader_csv_rows_before_fatal_stay),
        cmocka_unit_test(test_app_reader_csv_ragged_rows),
        cmocka_unit_test(test_app_reader_csv_bad_cells),
        cmocka_unit_test(test_app_reader_csv_good_cells),
        cmocka_unit_test(test_app_reader_csv_default_and_missing),
        cmocka_unit_test(test_app_reader_csv_blank_lines_and_rows),
        cmocka_unit_test(test_app_reader_csv_rows_equal_lines),
        cmocka_unit_test(test_app_reader_yaml_list_of_maps),
        cmocka_unit_test(test_app_reader_json_list_of_maps),
        cmocka_unit_test(test_app_reader_yaml_fatal),
        cmocka_unit_test(test_app_reader_yaml_and_csv_agree),
        cmocka_unit_test(test_app_reader_read_row),
        cmocka_unit_test(test_app_reader_read_row_profile_and_encoding),
        cmocka_unit_test(test_app_reader_read_row_errors),
    };

    return cmocka_run_group_tests_name("app-reader", tests, setup_ruleset, teardown_ruleset);
}
