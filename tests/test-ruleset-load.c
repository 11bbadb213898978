/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the ruleset loader (lib/rules/dx-ruleset-load.c, docs/rules.md §1-§5).
 *
 * Most cases are fixtures in tests/data/rules/: every ok-*.yaml must load and
 * every bad-*.yaml must be rejected. A bad fixture starts with the line
 *   # expect: <DxError name> <line>:<col> [<key.path>]
 * and the error must have exactly that code, and its message must start
 * with "<path>:<line>:<col>:" (then " <key.path>:" when one is given); the
 * rest of the message is free text and is never compared. Cases that would
 * be silly to commit (10,000-deep nesting, a 20 MB file) are generated into a
 * temporary directory here. Every file in rules/ must load, and the getters
 * are checked on rules/wuchang-2022.yaml against values read off that file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h> /* cmocka.h needs these four first */
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/duixian.h"
#include "rules/dx-ruleset-private.h"
#include "dx-test-helpers.h"

/* ------------------------------------------------------------------ helpers */

static const struct {
    const char *name;
    gint code;
} error_names[] = {
    /* ORDER: any; names are the DxError enumerators */
    { "DX_ERROR_FAILED", DX_ERROR_FAILED },
    { "DX_ERROR_IO", DX_ERROR_IO },
    { "DX_ERROR_YAML_SYNTAX", DX_ERROR_YAML_SYNTAX },
    { "DX_ERROR_RULES_INVALID", DX_ERROR_RULES_INVALID },
    { "DX_ERROR_EXPR_SYNTAX", DX_ERROR_EXPR_SYNTAX },
    { "DX_ERROR_EXPR_TYPE", DX_ERROR_EXPR_TYPE },
    { "DX_ERROR_EXPR_UNKNOWN_FIELD", DX_ERROR_EXPR_UNKNOWN_FIELD },
    { "DX_ERROR_INPUT_INVALID", DX_ERROR_INPUT_INVALID },
    { "DX_ERROR_VALUE_INVALID", DX_ERROR_VALUE_INVALID },
    { "DX_ERROR_LIMIT", DX_ERROR_LIMIT },
    { "DX_ERROR_UNKNOWN_FIELD", DX_ERROR_UNKNOWN_FIELD },
    { "DX_ERROR_LEDGER", DX_ERROR_LEDGER },
    { "DX_ERROR_LEDGER_CORRUPT", DX_ERROR_LEDGER_CORRUPT },
    { "DX_ERROR_HISTORY_INVALID", DX_ERROR_HISTORY_INVALID },
};

static gint
error_code_from_name(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(error_names); i++) {
        if (strcmp(error_names[i].name, name) == 0)
            return error_names[i].code;
    }
    return -1;
}

static const char *
error_code_name(gint code)
{
    for (gsize i = 0; i < G_N_ELEMENTS(error_names); i++) {
        if (error_names[i].code == code)
            return error_names[i].name;
    }
    return "?";
}

/* Checks @error against @code and the prefix "<name>:<line>:<col>:" (plus
 * " <keypath>:" when given). Returns NULL if it matches, else a description
 * of the mismatch for the caller to collect. */
static char *
error_mismatch(const GError *error, const char *name, gint code, guint line, guint col,
               const char *keypath)
{
    g_autofree char *want = NULL;

    if (keypath != NULL && *keypath != '\0')
        want = g_strdup_printf("%s:%u:%u: %s:", name, line, col, keypath);
    else
        want = g_strdup_printf("%s:%u:%u:", name, line, col);
    if (error == NULL)
        return g_strdup_printf("loaded, want %s \"%s\"", error_code_name(code), want);
    if (error->domain != DX_ERROR || error->code != code || !g_str_has_prefix(error->message, want))
        return g_strdup_printf("want %s \"%s\"; got %s%s: %s", error_code_name(code), want,
                               error->domain == DX_ERROR ? "" : "(foreign domain) ",
                               error_code_name(error->code), error->message);
    if (strchr(error->message, '\n') != NULL)
        return g_strdup_printf("message is not one line: %s", error->message);
    return NULL;
}

static void
assert_load_fails(DxRuleset *rs, const GError *error, const char *name, gint code, guint line,
                  guint col, const char *keypath)
{
    g_autofree char *why = error_mismatch(error, name, code, line, col, keypath);

    dx_ruleset_unref(rs);
    if (why != NULL)
        fail_msg("%s", why);
}

/* Parses "# expect: NAME L:C [key.path]" from the first line of @text. */
static gboolean
parse_expect(const char *text, gint *code, guint *line, guint *col, char **keypath)
{
    g_autofree char *first = NULL;
    g_auto(GStrv) words = NULL;
    const char *nl;

    if (g_str_has_prefix(text, "\xEF\xBB\xBF"))
        text += 3; /* a fixture may start with a BOM */
    nl = strchr(text, '\n');
    first = nl != NULL ? g_strndup(text, (gsize)(nl - text)) : g_strdup(text);
    g_strchomp(first);
    if (!g_str_has_prefix(first, "# expect: "))
        return FALSE;
    words = g_strsplit(first + strlen("# expect: "), " ", -1);
    if (g_strv_length(words) < 2 || g_strv_length(words) > 3 ||
        (*code = error_code_from_name(words[0])) < 0 || sscanf(words[1], "%u:%u", line, col) != 2)
        return FALSE;
    *keypath = g_strdup(words[2]); /* NULL when absent */
    return TRUE;
}

/* Writes @len bytes of @data to @dir/@name; returns the path. */
static char *
write_temp(const char *dir, const char *name, const char *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    char *path = g_build_filename(dir, name, NULL);

    if (!g_file_set_contents(path, data, (gssize)len, &error))
        fail_msg("cannot write %s: %s", path, error->message);
    return path;
}

static char *
make_temp_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("dx-ruleset-load-XXXXXX", &error);

    if (dir == NULL)
        fail_msg("cannot make a temporary directory: %s", error->message);
    return dir;
}

/* The smallest valid ruleset, split so generated cases can put something in
 * the middle: RULES_HEAD, then "    award: ..." on line 10, then RULES_TAIL. */
#define RULES_HEAD                                                                     \
    "format: duixian/1\n"                                                              \
    "fund: {id: T/1, name: 生成, total: 1万元, period: {from: 2022-01-01, to: 2022-12-31}, " \
    "shortfall: fcfs}\n"                                                               \
    "bureaus: {commerce: 区商务局}\n"                                                  \
    "fields: {x: {type: money}}\n"                                                     \
    "policies:\n"                                                                      \
    "  - id: P1\n"                                                                     \
    "    name: 生成\n"                                                                 \
    "    bureau: commerce\n"                                                           \
    "    basis: 测试\n"
#define RULES_TAIL "    cap: 1万元\n"

/* ------------------------------------------------------------------ fixtures */

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads one bad fixture by file and from memory; appends problems to @fails. */
static void
check_bad_fixture(const char *path, const char *text, gsize len, GString *fails)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) data_error = NULL;
    g_autofree char *keypath = NULL;
    g_autofree char *why = NULL;
    g_autofree char *why_data = NULL;
    DxRuleset *rs;
    gint code;
    guint line, col;

    if (!parse_expect(text, &code, &line, &col, &keypath)) {
        g_string_append_printf(fails, "%s: first line is not \"# expect: DX_ERROR_… L:C [path]\"\n", path);
        return;
    }
    rs = dx_ruleset_load_file(path, NULL, &error);
    if (rs != NULL && error != NULL)
        g_string_append_printf(fails, "%s: returned a ruleset and set an error\n", path);
    if (rs == NULL && error == NULL)
        g_string_append_printf(fails, "%s: returned NULL without an error\n", path);
    dx_ruleset_unref(rs);
    why = error_mismatch(error, path, code, line, col, keypath);
    if (why != NULL)
        g_string_append_printf(fails, "%s: %s\n", path, why);
    {
        /* an optional second line "# message: TEXT" names what the error must say */
        const char *m = strstr(text, "\n# message: ");

        if (why == NULL && m != NULL && m == strchr(text, '\n')) {
            g_autofree char *want = g_strndup(m + strlen("\n# message: "), strcspn(m + strlen("\n# message: "), "\r\n"));

            if (strstr(error->message, want) == NULL)
                g_string_append_printf(fails, "%s: message \"%s\" does not say \"%s\"\n", path, error->message, want);
        }
    }

    /* the same text from memory, under the same name, fails the same way */
    rs = dx_ruleset_load_data(text, (gssize)len, path, NULL, &data_error);
    dx_ruleset_unref(rs);
    why_data = error_mismatch(data_error, path, code, line, col, keypath);
    if (why_data != NULL && why == NULL)
        g_string_append_printf(fails, "%s (load_data): %s\n", path, why_data);
}

static void
test_ruleset_load_fixtures(void **state)
{
    g_autofree char *dir = dx_test_data_path("rules", "");
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) fails = g_string_new(NULL);
    guint n_ok = 0, n_bad = 0;
    const char *name;

    (void)state;
    if (d == NULL)
        fail_msg("cannot open %s: %s", dir, error->message);
    while ((name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);

    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *path = g_build_filename(dir, n, NULL);
        g_autofree char *text = NULL;
        gsize len = 0;

        if (!g_str_has_suffix(n, ".yaml") ||
            !(g_str_has_prefix(n, "ok-") || g_str_has_prefix(n, "bad-"))) {
            g_string_append_printf(fails, "%s: fixtures are named ok-*.yaml or bad-*.yaml\n", path);
            continue;
        }
        if (!g_file_get_contents(path, &text, &len, &error))
            fail_msg("cannot read %s: %s", path, error->message);
        if (g_str_has_prefix(n, "ok-")) {
            g_autoptr(GError) load_error = NULL;
            g_autoptr(DxRuleset) rs = dx_ruleset_load_file(path, NULL, &load_error);

            n_ok++;
            if (rs == NULL)
                g_string_append_printf(fails, "%s: want it to load; got %s: %s\n", path,
                                       error_code_name(load_error->code), load_error->message);
        } else {
            n_bad++;
            check_bad_fixture(path, text, len, fails);
        }
    }
    print_message("# %u ok and %u bad fixtures in %s\n", n_ok, n_bad, dir);
    if (n_ok == 0 || n_bad == 0)
        g_string_append(fails, "no ok-* or no bad-* fixtures found\n");
    if (fails->len > 0) {
        /* cmocka truncates long messages: print them all, then fail */
        fputs(fails->str, stderr);
        fail_msg("fixtures failed (listed above)");
    }
}

/* Every line-boundary prefix of every ok fixture either loads or fails
 * cleanly in DX_ERROR with a "name:" prefix: truncation never crashes. */
static void
test_ruleset_load_truncated_fixtures(void **state)
{
    g_autofree char *dir = dx_test_data_path("rules", "");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    guint n_prefixes = 0;

    (void)state;
    assert_non_null(d);
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *text = NULL;
        gsize len = 0;

        if (!g_str_has_prefix(name, "ok-"))
            continue;
        text = dx_test_read_file(path, &len);
        for (gsize cut = 0; cut <= len; cut++) {
            g_autoptr(GError) error = NULL;
            g_autoptr(DxRuleset) rs = NULL;

            if (cut < len && text[cut] != '\n')
                continue;
            rs = dx_ruleset_load_data(text, (gssize)cut, "cut.yaml", NULL, &error);
            n_prefixes++;
            if (rs == NULL && (error == NULL || error->domain != DX_ERROR ||
                               !g_str_has_prefix(error->message, "cut.yaml:")))
                fail_msg("%s cut at %" G_GSIZE_FORMAT ": bad error %s", name, cut,
                         error != NULL ? error->message : "(none)");
            if (rs != NULL)
                assert_null(error);
        }
    }
    assert_true(n_prefixes > 100);
}

static void
test_ruleset_load_rules_dir(void **state)
{
    g_autofree char *dir = dx_test_source_path("rules", NULL);
    g_autoptr(GDir) d = NULL;
    const char *name;
    guint n = 0;

    (void)state;
    d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxRuleset) rs = NULL;

        /* NAME.tests.yaml are the rule tests of NAME.yaml, not rules */
        if (!g_str_has_suffix(name, ".yaml") || g_str_has_suffix(name, ".tests.yaml"))
            continue;
        rs = dx_ruleset_load_file(path, NULL, &error);
        if (rs == NULL)
            fail_msg("%s does not load: %s", path, error->message);
        n++;
    }
    assert_true(n >= 2); /* wuchang-2022.yaml and minimal.yaml at least */
}

/* ------------------------------------------------------------------ getters */

static void
test_ruleset_load_getters_wuchang(void **state)
{
    /* values read off rules/wuchang-2022.yaml */
    static const struct {
        const char *id, *bureau, *name, *basis;
    } policies[] = {
        { "FIN-HQ", "finance", "法人金融机构总部落户奖励", "武政规〔2021〕8号 第三条" },
        { "FIN-REGIONAL", "finance", "金融机构区域总部落户奖励（按实缴资本分档）",
          "参照 济南市 金融机构落户奖励 实缴注册资本分档" },
        { "FIN-BRANCH", "finance", "金融机构分支机构落户奖励",
          "参照 宁德市 金融机构落户奖励（1亿元30万元，每增1亿元增30万元）" },
        { "FIN-BUY", "finance", "金融机构购置自用办公用房补贴", "武政规〔2021〕8号 第四条（购置 2000元/平方米）" },
        { "FIN-RENT", "finance", "金融机构租赁自用办公用房补贴",
          "武政规〔2021〕8号 第四条（租金 60%，连续3年，累计不超过1000万元）" },
        { "FIN-LIST", "finance", "企业上市奖励", "武政规〔2021〕8号 第六条（境内上市分阶段最高800万元）" },
        { "FIN-LOAN", "finance", "中小微企业贷款贴息",
          "参照 佛禅府办〔2021〕4号；福建省专精特新贷款贴息（1%/年，贷款本金2000万元以内）" },
        { "FIN-GUAR", "finance", "融资担保费补贴", "参照 融资担保费补贴（年化担保额1%，每户每年最高8万元）" },
        { "COM-PL-INC", "commerce", "批发零售业增量奖励",
          "参照 厦湖府办〔2022〕52号 第一条（批零增量分段奖励，不超过区级贡献）" },
        { "COM-PL-STOCK", "commerce", "批发零售业存量奖励",
          "参照 厦湖府办〔2022〕52号 第一条（存量奖励，与增量奖励叠加，合计封顶）" },
        { "COM-XS", "commerce", "首次纳入限额以上统计奖励", "参照 铜商务发〔2022〕29号（新升限上，三年分期 5万/2万/3万元）" },
        { "COM-RETAIL", "commerce", "零售业增量奖励", "参照 岚综管办〔2021〕95号（零售额增量×1%，增速按规模分档）" },
        { "COM-FIRST-STORE", "commerce", "品牌首店奖励",
          "参照 厦湖府办〔2022〕52号 首店条款；三亚市 首店奖励（投资额30%，按级别封顶）" },
        { "COM-ECOM", "commerce", "电子商务网络零售增量奖励",
          "参照 北京市商务局 2023 网络零售奖励（每增1亿元奖励10万元）" },
    };
    static const struct {
        const char *name, *label;
        DxFieldType type;
    } fields[] = {
        /* built-ins first, in slot order, with the labels the file gives them */
        { "app_id", "申报编号", DX_FIELD_TEXT },
        { "enterprise_id", "统一社会信用代码", DX_FIELD_TEXT },
        { "enterprise_name", "企业名称", DX_FIELD_TEXT },
        { "policy", "申报事项", DX_FIELD_TEXT },
        { "submitted_on", "申报日期", DX_FIELD_DATE },
        /* then the declared fields in file order */
        { "district", "注册地", DX_FIELD_TEXT },
        { "industry_code", "国民经济行业代码", DX_FIELD_TEXT },
        { "established_on", "成立日期", DX_FIELD_DATE },
        { "blacklisted", "失信主体", DX_FIELD_BOOL },
        { "employees", "从业人数", DX_FIELD_INTEGER },
        { "区级贡献", "上年度区级财力贡献", DX_FIELD_MONEY },
        { "institution_type", "机构类别", DX_FIELD_TEXT },
        { "org_form", "机构层级", DX_FIELD_TEXT },
        { "paid_in_capital", "实缴资本", DX_FIELD_MONEY },
        { "office_area", "自用办公面积（平方米）", DX_FIELD_NUMBER },
        { "annual_rent", "年租金（不含物业水电）", DX_FIELD_MONEY },
        { "listing_board", "上市板块", DX_FIELD_TEXT },
        { "listed_on", "上市日期", DX_FIELD_DATE },
        { "loan_amount", "贷款金额", DX_FIELD_MONEY },
        { "loan_term_months", "贷款期限（月）", DX_FIELD_INTEGER },
        { "guarantee_amount", "年化担保额", DX_FIELD_MONEY },
        { "营业收入", "本年批零销售额", DX_FIELD_MONEY },
        { "上年营业收入", "上年批零销售额", DX_FIELD_MONEY },
        { "retail_sales", "本年零售额", DX_FIELD_MONEY },
        { "retail_sales_prev", "上年零售额", DX_FIELD_MONEY },
        { "stats_entered_on", "首次纳入限上统计日期", DX_FIELD_DATE },
        { "store_level", "首店级别", DX_FIELD_TEXT },
        { "store_investment", "首店实际投资额", DX_FIELD_MONEY },
        { "lease_years", "租赁年限", DX_FIELD_INTEGER },
        { "online_sales", "本年网络零售额", DX_FIELD_MONEY },
        { "online_sales_prev", "上年网络零售额", DX_FIELD_MONEY },
    };
    g_autofree char *path = dx_test_source_path("rules", "wuchang-2022.yaml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(path, NULL, &error);
    g_autofree char *from = NULL, *to = NULL, *text = NULL, *sha = NULL;
    gsize len = 0;

    (void)state;
    if (rs == NULL)
        fail_msg("%s: %s", path, error->message);

    text = dx_test_read_file(path, &len);
    sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
    assert_string_equal(dx_ruleset_get_sha256(rs), sha);

    /* fund */
    assert_string_equal(dx_ruleset_get_fund_id(rs), "GZXX/344001/004");
    assert_string_equal(dx_ruleset_get_fund_name(rs), "支持区域经济发展专项经费");
    assert_int_equal(dx_ruleset_get_fund_total_fen(rs), INT64_C(5000) * 10000 * 100); /* 5000万元 */
    assert_int_equal(dx_ruleset_get_fund_enterprise_cap_fen(rs), INT64_C(1000) * 10000 * 100);
    dx_ruleset_dup_fund_period(rs, &from, &to);
    assert_string_equal(from, "2022-01-01");
    assert_string_equal(to, "2022-12-31");
    assert_string_equal(dx_ruleset_get_shortfall(rs), "pro_rata");

    /* envelopes, in file order */
    assert_int_equal(dx_ruleset_get_n_envelopes(rs), 2);
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 0), "commerce");
    assert_int_equal(dx_ruleset_get_envelope_total_fen(rs, 0), INT64_C(3000) * 10000 * 100);
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 1), "finance");
    assert_int_equal(dx_ruleset_get_envelope_total_fen(rs, 1), INT64_C(2000) * 10000 * 100);

    /* bureaus */
    assert_int_equal(dx_ruleset_get_n_bureaus(rs), 2);
    assert_string_equal(dx_ruleset_get_bureau_key(rs, 0), "commerce");
    assert_string_equal(dx_ruleset_get_bureau_name(rs, 0), "区商务局");
    assert_string_equal(dx_ruleset_get_bureau_key(rs, 1), "finance");
    assert_string_equal(dx_ruleset_get_bureau_name(rs, 1), "区金融局");

    /* policies, in file order */
    assert_int_equal(dx_ruleset_get_n_policies(rs), G_N_ELEMENTS(policies));
    for (gsize i = 0; i < G_N_ELEMENTS(policies); i++) {
        assert_string_equal(dx_ruleset_get_policy_id(rs, i), policies[i].id);
        assert_string_equal(dx_ruleset_get_policy_bureau(rs, i), policies[i].bureau);
        assert_string_equal(dx_ruleset_get_policy_name(rs, i), policies[i].name);
        assert_string_equal(dx_ruleset_get_policy_basis(rs, i), policies[i].basis);
        assert_int_equal(dx_ruleset_find_policy(rs, policies[i].id), (gint)i);
    }
    assert_int_equal(dx_ruleset_find_policy(rs, "NO-SUCH"), -1);

    /* fields */
    assert_int_equal(dx_ruleset_get_n_fields(rs), G_N_ELEMENTS(fields));
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        assert_string_equal(dx_ruleset_get_field_name(rs, i), fields[i].name);
        assert_string_equal(dx_ruleset_get_field_label(rs, i), fields[i].label);
        assert_int_equal(dx_ruleset_get_field_type(rs, i), fields[i].type);
    }

    /* a few things only the private structure shows */
    {
        const DxPolicy *hq = &rs->policies[0], *xs = &rs->policies[10];
        const DxField *f;

        assert_int_equal(hq->form, DX_AWARD_RATE);
        assert_int_equal(hq->n_clauses, 6);
        assert_string_equal(hq->clauses[5].name, "实缴资本达到1亿元");
        assert_true(hq->once);
        assert_int_equal(hq->priority, 10);
        assert_int_equal(dx_rat_cmp(hq->fund_share, (DxRat){ 1, 2 }), 0);
        assert_int_equal(hq->n_installments, 2);
        assert_int_equal(hq->installments[1].timing, DX_TIMING_AFTER_MONTHS);
        assert_int_equal(hq->installments[1].months, 12);
        assert_int_equal(rs->policies[1].form, DX_AWARD_TABLE);
        assert_int_equal(rs->policies[2].form, DX_AWARD_PER);
        assert_int_equal(rs->policies[3].form, DX_AWARD_FORMULA);
        assert_int_equal(rs->policies[8].form, DX_AWARD_MARGINAL);
        assert_int_equal(xs->form, DX_AWARD_FIXED);
        assert_false(xs->installments_by_share);
        assert_int_equal(xs->installments[0].amount_fen, 5 * 10000 * 100);
        assert_true(xs->installments[2].rest);
        assert_int_equal(rs->n_groups, 2);
        assert_string_equal(rs->groups[1].key, "pl-stack");
        assert_int_equal(rs->groups[1].mode, DX_GROUP_STACK);
        assert_int_equal(rs->groups[1].cap_fen, 300 * 10000 * 100);
        assert_int_equal(rs->policies[4].group, 0); /* FIN-RENT in office */
        /* aliases name columns; names do too */
        f = dx_ruleset_find_column(rs, "实缴资本（元）");
        assert_non_null(f);
        assert_string_equal(f->name, "paid_in_capital");
        f = dx_ruleset_find_column(rs, "policy_id");
        assert_non_null(f);
        assert_string_equal(f->name, "policy");
        f = dx_ruleset_find_column(rs, "blacklisted");
        assert_non_null(f);
        assert_true(f->has_default);
        assert_null(dx_ruleset_find_column(rs, "失信主体")); /* a label is not a column */
    }
}

static void
test_ruleset_load_getters_minimal(void **state)
{
    g_autofree char *path = dx_test_source_path("rules", "minimal.yaml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(path, NULL, &error);

    (void)state;
    if (rs == NULL)
        fail_msg("%s: %s", path, error->message);
    assert_string_equal(dx_ruleset_get_fund_id(rs), "EXAMPLE/2022/001");
    assert_int_equal(dx_ruleset_get_fund_total_fen(rs), 100 * 10000 * 100);
    assert_int_equal(dx_ruleset_get_fund_enterprise_cap_fen(rs), -1); /* none */
    assert_string_equal(dx_ruleset_get_shortfall(rs), "fcfs");
    /* no fund.envelopes: one envelope "*" equal to the total */
    assert_int_equal(dx_ruleset_get_n_envelopes(rs), 1);
    assert_string_equal(dx_ruleset_get_envelope_key(rs, 0), "*");
    assert_int_equal(dx_ruleset_get_envelope_total_fen(rs, 0), 100 * 10000 * 100);
    /* built-ins come first even when not mentioned, labelled by their names */
    assert_int_equal(dx_ruleset_get_n_fields(rs), 5 + 2);
    assert_string_equal(dx_ruleset_get_field_name(rs, 0), "app_id");
    assert_string_equal(dx_ruleset_get_field_label(rs, 0), "app_id");
    assert_int_equal(dx_ruleset_get_field_type(rs, 4), DX_FIELD_DATE);
    assert_string_equal(dx_ruleset_get_field_name(rs, 5), "district");
    assert_string_equal(dx_ruleset_get_field_label(rs, 5), "注册地");
    assert_string_equal(dx_ruleset_get_field_name(rs, 6), "stats_entered_on");
    assert_string_equal(dx_ruleset_get_field_label(rs, 6), "首次纳入限上统计日期");
    assert_int_equal(dx_ruleset_get_n_policies(rs), 1);
    assert_string_equal(dx_ruleset_get_policy_id(rs, 0), "COM-XS");
    /* the default installment: everything at approval */
    assert_int_equal(rs->policies[0].n_installments, 1);
    assert_true(rs->policies[0].installments_by_share);
    assert_int_equal(rs->policies[0].installments[0].timing, DX_TIMING_APPROVAL);
    assert_int_equal(dx_rat_cmp(rs->policies[0].fund_share, dx_rat_int(1)), 0);
    assert_int_equal(rs->policies[0].group, -1);
    assert_false(rs->policies[0].has_enterprise_cap);
}

/* ------------------------------------------------------------------ ok fixtures in detail */

static DxRuleset *
load_fixture(const char *name)
{
    g_autofree char *path = dx_test_data_path("rules", name);
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(path, NULL, &error);

    if (rs == NULL)
        fail_msg("%s: %s", path, error->message);
    return rs;
}

/* `once: "true"` = `once: true`: Q-1 (all quoted) and Q-2 (plain) agree. */
static void
test_ruleset_load_quoting_keeps_meaning(void **state)
{
    g_autoptr(DxRuleset) rs = load_fixture("ok-quoting.yaml");
    const DxPolicy *q1, *q2;
    const DxField *on, *no, *n, *m;
    g_autofree char *from = NULL, *to = NULL;

    (void)state;
    assert_string_equal(dx_ruleset_get_fund_id(rs), "2022");
    assert_string_equal(dx_ruleset_get_fund_name(rs), "010"); /* text, not octal 8 */
    assert_int_equal(dx_ruleset_get_fund_total_fen(rs), 100 * 10000 * 100);
    assert_int_equal(dx_ruleset_get_fund_enterprise_cap_fen(rs), 50 * 10000 * 100);
    dx_ruleset_dup_fund_period(rs, &from, &to);
    assert_string_equal(from, "2022-01-01");
    assert_string_equal(to, "2022-12-31");
    assert_string_equal(dx_ruleset_get_shortfall(rs), "pro_rata");
    /* yes, on and ~ are just text */
    assert_string_equal(dx_ruleset_get_bureau_key(rs, 0), "yes");
    assert_string_equal(dx_ruleset_get_bureau_name(rs, 0), "no");
    assert_string_equal(dx_ruleset_get_bureau_key(rs, 1), "on");
    assert_string_equal(dx_ruleset_get_bureau_name(rs, 1), "off");
    assert_string_equal(dx_ruleset_get_bureau_name(rs, 2), "~");

    on = dx_ruleset_find_column(rs, "on");
    assert_non_null(on);
    assert_int_equal(on->type, DX_FIELD_BOOL);
    assert_true(on->has_default);
    assert_false(on->default_value.u.b); /* "FALSE": data cells take any case */
    no = dx_ruleset_find_column(rs, "no");
    assert_non_null(no);
    assert_string_equal(no->default_text, "  含空格  "); /* text defaults are verbatim */
    n = dx_ruleset_find_column(rs, "n");
    assert_non_null(n);
    assert_true(n->has_default);
    m = dx_ruleset_find_column(rs, "m");
    assert_non_null(m);
    assert_int_equal(dx_rat_cmp(m->default_value.u.r, dx_rat_int(123456)), 0); /* 1,234.56元 */

    assert_int_equal(rs->n_policies, 3);
    q1 = &rs->policies[0];
    q2 = &rs->policies[1];
    assert_string_equal(q1->id, "Q-1");
    assert_string_equal(q1->name, "true");
    assert_string_equal(q1->basis, "2022-01-01");
    assert_string_equal(q2->basis, "2022-01-01");
    assert_int_equal(q1->bureau, q2->bureau);
    assert_true(q1->once);
    assert_true(q2->once);
    assert_false(rs->policies[2].once);
    assert_int_equal(q1->priority, -5);
    assert_int_equal(q2->priority, -5);
    assert_int_equal(dx_rat_cmp(q1->fund_share, (DxRat){ 1, 2 }), 0);
    assert_int_equal(dx_rat_cmp(q2->fund_share, (DxRat){ 1, 2 }), 0);
    assert_int_equal(q1->enterprise_cap_fen, 2 * 10000 * 100);
    assert_int_equal(q2->enterprise_cap_fen, 2 * 10000 * 100);
    assert_true(q1->has_from && q2->has_from);
    assert_false(q1->has_to || q2->has_to);
    assert_int_equal(q1->window_from, q2->window_from);
    assert_int_equal(q1->n_clauses, 2);
    assert_int_equal(q2->n_clauses, 2);
    for (guint i = 0; i < 2; i++)
        assert_string_equal(q1->clauses[i].name, q2->clauses[i].name);
    assert_int_equal(q1->form, DX_AWARD_FIXED);
    assert_int_equal(q1->installments[0].timing, DX_TIMING_APPROVAL);
    assert_int_equal(q2->installments[0].timing, DX_TIMING_APPROVAL);
    assert_int_equal(dx_rat_cmp(q1->installments[0].share, dx_rat_int(1)), 0);
}

static void
test_ruleset_load_award_forms(void **state)
{
    static const struct {
        const char *id;
        DxAwardForm form;
    } want[] = {
        { "A-FIXED", DX_AWARD_FIXED },       { "A-TABLE", DX_AWARD_TABLE },
        { "A-TABLE-NUMBER", DX_AWARD_TABLE }, { "A-RATE", DX_AWARD_RATE },
        { "A-RATE-PERMILLE", DX_AWARD_RATE }, { "A-PER", DX_AWARD_PER },
        { "A-PER-DEFAULTS", DX_AWARD_PER },   { "A-MARGINAL", DX_AWARD_MARGINAL },
        { "A-FORMULA", DX_AWARD_FORMULA },    { "A-FORMULA-QUOTED", DX_AWARD_FORMULA },
    };
    g_autoptr(DxRuleset) rs = load_fixture("ok-award-forms.yaml");

    (void)state;
    assert_int_equal(rs->n_policies, G_N_ELEMENTS(want));
    for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
        const DxPolicy *p = &rs->policies[i];

        assert_string_equal(p->id, want[i].id);
        assert_int_equal(p->form, want[i].form);
        assert_non_null(p->award);
        assert_int_equal(p->award->type, DX_TYPE_MONEY);
        /* the non-formula forms keep their X for explanations */
        if (want[i].form == DX_AWARD_FIXED || want[i].form == DX_AWARD_FORMULA)
            assert_null(p->award_base);
        else
            assert_non_null(p->award_base);
    }
}

static void
test_ruleset_load_installments(void **state)
{
    g_autoptr(DxRuleset) rs = load_fixture("ok-installments.yaml");
    const DxPolicy *share = &rs->policies[0], *thirds = &rs->policies[1], *rest = &rs->policies[2],
                   *amount = &rs->policies[3], *one = &rs->policies[4];
    gint32 d;

    (void)state;
    assert_true(share->installments_by_share);
    assert_int_equal(share->n_installments, 3);
    assert_int_equal(dx_rat_cmp(share->installments[0].share, (DxRat){ 1, 2 }), 0);
    assert_int_equal(dx_rat_cmp(share->installments[1].share, (DxRat){ 3, 10 }), 0);
    assert_int_equal(share->installments[0].timing, DX_TIMING_APPROVAL);
    assert_int_equal(share->installments[2].timing, DX_TIMING_AFTER_MONTHS);
    assert_int_equal(share->installments[2].months, 24);

    assert_int_equal(thirds->installments[1].months, 1); /* "1 month" */
    assert_int_equal(thirds->installments[2].timing, DX_TIMING_DATE);
    assert_true(dx_date_parse("2023-02-28", 10, &d));
    assert_int_equal(thirds->installments[2].date, d);

    assert_false(rest->installments_by_share);
    assert_int_equal(rest->installments[0].amount_fen, 5 * 10000 * 100);
    assert_int_equal(rest->installments[1].amount_fen, 2 * 10000 * 100);
    assert_true(rest->installments[2].rest);
    assert_false(rest->installments[1].rest);

    assert_false(amount->installments_by_share);
    assert_int_equal(amount->n_installments, 2);
    assert_false(amount->installments[1].rest);
    assert_int_equal(amount->installments[1].amount_fen, 1);   /* 0.01元 */
    assert_int_equal(amount->installments[1].months, 0);       /* "0 months" */
    assert_int_equal(amount->installments[0].timing, DX_TIMING_DATE);

    assert_true(dx_date_parse("2024-02-29", 10, &d));
    assert_int_equal(one->installments[0].date, d);
}

static void
test_ruleset_load_empty_eligible_and_chinese(void **state)
{
    g_autoptr(DxRuleset) empty = load_fixture("ok-empty-eligible.yaml");
    g_autoptr(DxRuleset) zh = load_fixture("ok-chinese.yaml");
    const DxField *f;

    (void)state;
    assert_int_equal(empty->policies[0].n_clauses, 0);
    assert_int_equal(dx_ruleset_get_n_fields(empty), 5); /* `fields: {}`: built-ins only */
    assert_false(empty->policies[0].has_from);
    assert_true(empty->policies[0].has_to);

    assert_int_equal(zh->policies[0].n_clauses, 7);
    assert_string_equal(zh->policies[0].clauses[0].name, "注册在本区");
    f = dx_ruleset_find_column(zh, "营业收入（元）");
    assert_non_null(f);
    assert_string_equal(f->name, "营业收入");
    assert_string_equal(f->label, "本年营业收入");
    assert_int_equal(f->type, DX_FIELD_MONEY);
    f = dx_ruleset_find_column(zh, "上年营业收入");
    assert_non_null(f);
    assert_string_equal(f->label, "上年营业收入"); /* label defaults to the name */
}

/* ------------------------------------------------------------------ generated cases */

/* ((((...x...)))) 10,000 deep in an award: DX_ERROR_LIMIT inside the
 * expression, never a stack overflow. */
static void
test_ruleset_load_deep_parentheses(void **state)
{
    enum { DEPTH = 10000 };
    g_autofree char *dir = make_temp_dir();
    g_autoptr(GString) text = g_string_new(RULES_HEAD);
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) data_error = NULL;
    DxRuleset *rs;

    (void)state;
    g_string_append(text, "    award: ");
    for (int i = 0; i < DEPTH; i++)
        g_string_append_c(text, '(');
    g_string_append(text, "x");
    for (int i = 0; i < DEPTH; i++)
        g_string_append_c(text, ')');
    g_string_append(text, "\n" RULES_TAIL);
    path = write_temp(dir, "bad-deep-parentheses.yaml", text->str, text->len);

    /* The award scalar starts at 10:12. The parser's default depth of 64
     * counts two grammar levels per "(" (or_expr, unary), so the 33rd "(" is
     * the first one too deep: column 12 + 32. */
    rs = dx_ruleset_load_file(path, NULL, &error);
    assert_load_fails(rs, error, path, DX_ERROR_LIMIT, 10, 12 + 32, "policies[0].award");
    rs = dx_ruleset_load_data(text->str, (gssize)text->len, "deep.yaml", NULL, &data_error);
    assert_load_fails(rs, data_error, "deep.yaml", DX_ERROR_LIMIT, 10, 12 + 32, "policies[0].award");

    /* a plain sanity check that the head/tail template itself loads */
    {
        g_autoptr(GError) ok_error = NULL;
        g_autoptr(DxRuleset) ok = dx_ruleset_load_data(RULES_HEAD "    award: ((x))\n" RULES_TAIL, -1,
                                                       "ok.yaml", NULL, &ok_error);

        if (ok == NULL)
            fail_msg("%s", ok_error->message);
    }
    g_unlink(path);
    g_rmdir(dir);
}

/* YAML collections 10,000 deep: DX_ERROR_LIMIT at the first collection past
 * the default depth of 64, without recursion. */
static void
test_ruleset_load_deep_yaml(void **state)
{
    enum { DEPTH = 10000 };
    g_autofree char *dir = make_temp_dir();
    g_autoptr(GString) text = g_string_new(RULES_HEAD);
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) block_error = NULL;
    g_autoptr(GString) block = g_string_new("format: duixian/1\nfund:\n");
    DxRuleset *rs;

    (void)state;
    /* flow style: root map (1), policies list (2), policy map (3), then the
     * award's "[" are collections 4, 5, ...; the 65th collection is the
     * 62nd "[", at column 12 + 61 */
    g_string_append(text, "    award: ");
    for (int i = 0; i < DEPTH; i++)
        g_string_append_c(text, '[');
    for (int i = 0; i < DEPTH; i++)
        g_string_append_c(text, ']');
    g_string_append(text, "\n" RULES_TAIL);
    path = write_temp(dir, "bad-deep-yaml.yaml", text->str, text->len);
    rs = dx_ruleset_load_file(path, NULL, &error);
    assert_load_fails(rs, error, path, DX_ERROR_LIMIT, 10, 12 + 61, NULL);

    /* block style, 1,000 deep (10,000 would pass 16 MiB of indentation):
     * "fund:" opens map after map, each on its own line indented one more
     * space; the root is mapping 1, so mapping 65 starts on line 66 at its
     * key after 64 spaces */
    for (int i = 1; i < 1000; i++)
        g_string_append_printf(block, "%*sk:\n", i, "");
    rs = dx_ruleset_load_data(block->str, (gssize)block->len, "block.yaml", NULL, &block_error);
    assert_load_fails(rs, block_error, "block.yaml", DX_ERROR_LIMIT, 66, 65, NULL);
    g_unlink(path);
    g_rmdir(dir);
}

/* A 20 MB file is refused before it is read (default limit 16 MiB). */
static void
test_ruleset_load_big_file(void **state)
{
    const gsize size = 20u * 1000 * 1000;
    g_autofree char *dir = make_temp_dir();
    g_autofree char *data = g_malloc(size);
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) data_error = NULL;
    DxRuleset *rs;

    (void)state;
    /* a valid ruleset followed by comment lines */
    memset(data, ' ', size);
    memcpy(data, RULES_HEAD "    award: 1元\n" RULES_TAIL, strlen(RULES_HEAD "    award: 1元\n" RULES_TAIL));
    for (gsize i = strlen(RULES_HEAD "    award: 1元\n" RULES_TAIL); i + 80 <= size; i += 80) {
        data[i] = '#';
        data[i + 79] = '\n';
    }
    path = write_temp(dir, "bad-big.yaml", data, size);
    rs = dx_ruleset_load_file(path, NULL, &error);
    assert_load_fails(rs, error, path, DX_ERROR_LIMIT, 1, 1, NULL);
    rs = dx_ruleset_load_data(data, (gssize)size, "big.yaml", NULL, &data_error);
    assert_load_fails(rs, data_error, "big.yaml", DX_ERROR_LIMIT, 1, 1, NULL);

    /* the limit is an option: a lower one refuses a small valid file */
    {
        static const char small[] = RULES_HEAD "    award: 1元\n";
        g_autoptr(DxLoadOptions) opts = dx_load_options_new();
        g_autoptr(GError) small_error = NULL;
        g_autofree char *small_path = write_temp(dir, "small.yaml", small, sizeof small - 1);

        dx_load_options_set_max_file_bytes(opts, 100);
        rs = dx_ruleset_load_file(small_path, opts, &small_error);
        assert_load_fails(rs, small_error, small_path, DX_ERROR_LIMIT, 1, 1, NULL);
        g_unlink(small_path);
    }
    g_unlink(path);
    g_rmdir(dir);
}

/* A scalar over the 1 MiB default and an expression over the 64 KiB default
 * are limits, reported at the scalar. */
static void
test_ruleset_load_long_scalar_and_expression(void **state)
{
    g_autoptr(GString) scalar = g_string_new(RULES_HEAD);
    g_autoptr(GString) expr = g_string_new(RULES_HEAD);
    g_autoptr(GError) scalar_error = NULL;
    g_autoptr(GError) expr_error = NULL;
    DxRuleset *rs;

    (void)state;
    /* a 2 MB cap expression on line 11: the YAML scalar limit comes first */
    g_string_append(scalar, "    award: 1元\n    cap: ");
    for (int i = 0; i < 2 * 1000 * 1000 / 8; i++)
        g_string_append(scalar, "1元 + 1元");
    g_string_append(scalar, "\n");
    rs = dx_ruleset_load_data(scalar->str, (gssize)scalar->len, "scalar.yaml", NULL, &scalar_error);
    assert_load_fails(rs, scalar_error, "scalar.yaml", DX_ERROR_LIMIT, 11, 10, NULL);

    /* 100 KB of "x + x + ..." in the award on line 10: the expression limit */
    g_string_append(expr, "    award: x");
    while (expr->len < 100 * 1000)
        g_string_append(expr, " + x");
    g_string_append(expr, "\n" RULES_TAIL);
    rs = dx_ruleset_load_data(expr->str, (gssize)expr->len, "expr.yaml", NULL, &expr_error);
    assert_load_fails(rs, expr_error, "expr.yaml", DX_ERROR_LIMIT, 10, 12, "policies[0].award");
}

static void
test_ruleset_load_missing_file(void **state)
{
    g_autofree char *dir = make_temp_dir();
    g_autofree char *path = g_build_filename(dir, "no-such-rules.yaml", NULL);
    g_autofree char *want = g_strconcat(path, ":", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) dir_error = NULL;
    DxRuleset *rs;

    (void)state;
    rs = dx_ruleset_load_file(path, NULL, &error);
    assert_null(rs);
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
    assert_true(g_str_has_prefix(error->message, want));
    /* a directory is no ruleset either */
    rs = dx_ruleset_load_file(dir, NULL, &dir_error);
    assert_null(rs);
    assert_non_null(dir_error);
    assert_int_equal(dir_error->domain, DX_ERROR);
    assert_int_equal(dir_error->code, DX_ERROR_IO);
    g_rmdir(dir);
}

static void
test_ruleset_load_data_names(void **state)
{
    static const char bad[] = RULES_HEAD "    award: 5万美元\n" RULES_TAIL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) len_error = NULL;
    g_autoptr(DxRuleset) ok = NULL;
    DxRuleset *rs;

    (void)state;
    /* no name: "<rules>"; the column is that of 美 in "    award: 5万美元" */
    rs = dx_ruleset_load_data(bad, -1, NULL, NULL, &error);
    assert_load_fails(rs, error, "<rules>", DX_ERROR_EXPR_SYNTAX, 10, 14, "policies[0].award");
    /* an explicit length: the bad line is cut off, what is left loads up to
     * the missing award */
    rs = dx_ruleset_load_data(bad, (gssize)strlen(RULES_HEAD), "cut.yaml", NULL, &len_error);
    assert_load_fails(rs, len_error, "cut.yaml", DX_ERROR_RULES_INVALID, 6, 5, "policies[0]");
    /* a NUL-terminated valid text */
    ok = dx_ruleset_load_data(RULES_HEAD "    award: 1元\n", -1, NULL, NULL, NULL);
    assert_non_null(ok);
    assert_non_null(dx_ruleset_ref(ok));
    dx_ruleset_unref(ok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ruleset_load_fixtures),
        cmocka_unit_test(test_ruleset_load_truncated_fixtures),
        cmocka_unit_test(test_ruleset_load_rules_dir),
        cmocka_unit_test(test_ruleset_load_getters_wuchang),
        cmocka_unit_test(test_ruleset_load_getters_minimal),
        cmocka_unit_test(test_ruleset_load_quoting_keeps_meaning),
        cmocka_unit_test(test_ruleset_load_award_forms),
        cmocka_unit_test(test_ruleset_load_installments),
        cmocka_unit_test(test_ruleset_load_empty_eligible_and_chinese),
        cmocka_unit_test(test_ruleset_load_deep_parentheses),
        cmocka_unit_test(test_ruleset_load_deep_yaml),
        cmocka_unit_test(test_ruleset_load_big_file),
        cmocka_unit_test(test_ruleset_load_long_scalar_and_expression),
        cmocka_unit_test(test_ruleset_load_missing_file),
        cmocka_unit_test(test_ruleset_load_data_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
