/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for explanations (lib/decide/dx-explain.c, docs/rules.md §7): for a real decision
 * of each reason code that steps 1-6 produce, the Chinese sentence carries
 * the names and the numbers as people read them (8,000万元, 1亿元, 10%),
 * and dx_decision_dup_json() is one well-formed JSON object with its keys
 * in sorted order and every string escaped. JSON is checked by a small
 * validator here (no JSON library is a dependency). Sentences are checked
 * by the fragments the spec shows, not whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/duixian.h"

/* Spec §2's fields and §5's FIN-HQ, plus one policy per award form and
 * per remaining step 1-6 reason. */
static const char rules_yaml[] =
    "format: duixian/1\n"
    "fund:\n"
    "  id: GZXX/344001/004\n"
    "  name: 支持区域经济发展专项经费\n"
    "  total: 5000万元\n"
    "  period: {from: 2022-01-01, to: 2022-12-31}\n"
    "  envelopes: {commerce: 3000万元, finance: 2000万元}\n"
    "  per_enterprise_cap: 1000万元\n"
    "  shortfall: pro_rata\n"
    "bureaus:\n"
    "  commerce: 区商务局\n"
    "  finance: 区金融局\n"
    "fields:\n"
    "  district:          {type: text,    label: 注册地}\n"
    "  paid_in_capital:   {type: money,   label: 实缴资本, aliases: [实缴资本（元）]}\n"
    "  revenue_growth:    {type: number,  label: 营业收入增速}\n"
    "  employees:         {type: integer, label: 从业人数}\n"
    "  blacklisted:       {type: bool,    label: 失信主体, default: false}\n"
    "  established_on:    {type: date,    label: 成立日期}\n"
    "  revenue:           {type: money,   label: 营业收入}\n"
    "  x:                 {type: number,  label: 系数}\n"
    "policies:\n"
    "  - id: FIN-HQ\n"
    "    name: 金融机构总部落户奖励\n"
    "    bureau: finance\n"
    "    basis: 武政规〔2021〕8号 第三条\n"
    "    window: {from: 2022-03-01, to: 2022-11-30}\n"
    "    eligible:\n"
    "      - 注册在本区: district == \"武昌区\"\n"
    "      - 非失信主体: not blacklisted\n"
    "      - 实缴资本达到1亿元: paid_in_capital >= 1亿元\n"
    "    award: paid_in_capital * 2%\n"
    "    cap: 1000万元\n"
    "    fund_share: 50%\n"
    "    once: true\n"
    "    priority: 10\n"
    "  - id: GROW\n"
    "    name: 增速奖励\n"
    "    bureau: commerce\n"
    "    basis: 增速条款\n"
    "    window: {to: 2022-06-30}\n"
    "    eligible:\n"
    "      - 增速达标: revenue_growth >= 10%\n"
    "      - 规模达标: employees >= 50\n"
    "      - 本区或邻区: district in [\"武昌区\", \"洪山区\"]\n"
    "    award: {fixed: 10万元}\n"
    "  - id: PCAP\n"
    "    name: 单户封顶奖励\n"
    "    bureau: commerce\n"
    "    basis: 封顶条款\n"
    "    award: {rate: 10%, of: revenue}\n"
    "    per_enterprise_cap: 25万元\n"
    "  - id: TABLE\n"
    "    name: 档位奖励\n"
    "    bureau: commerce\n"
    "    basis: 档位条款\n"
    "    award: {table: revenue, rows: [[5000万元, 100万元], [1亿元, 300万元]]}\n"
    "  - id: PER\n"
    "    name: 递增奖励\n"
    "    bureau: commerce\n"
    "    basis: 递增条款\n"
    "    award: {per: revenue, from: 1亿元, unit: 1亿元, amount: 30万元, base: 30万元}\n"
    "  - id: MARG\n"
    "    name: 累进奖励\n"
    "    bureau: commerce\n"
    "    basis: 累进条款\n"
    "    award: {marginal: revenue, rows: [[0元, 5%], [1亿元, 3%]]}\n"
    "  - id: ZERO\n"
    "    name: 超额奖励\n"
    "    bureau: commerce\n"
    "    basis: 超额条款\n"
    "    award: revenue - 100万元\n"
    "  - id: DIVC\n"
    "    name: 人均条款\n"
    "    bureau: commerce\n"
    "    basis: 人均\n"
    "    eligible:\n"
    "      - 人均达标: revenue / x >= 1万元\n"
    "    award: {fixed: 1万元}\n"
    "  - id: DIVA\n"
    "    name: 人均奖励\n"
    "    bureau: commerce\n"
    "    basis: 人均\n"
    "    award: revenue / x\n"
    "  - id: BIGX\n"
    "    name: 系数条款\n"
    "    bureau: commerce\n"
    "    basis: 系数\n"
    "    eligible:\n"
    "      - 系数不超过1: x <= 1\n"
    "      - 收入不低于实缴: revenue >= paid_in_capital\n"
    "      - 失信标记（测试用）: blacklisted\n"
    "    award: {fixed: 1万元}\n";

static int
setup(void **state)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_data(rules_yaml, -1, "rules.yaml", NULL, &error);

    if (rs == NULL)
        fail_msg("%s", error->message);
    *state = rs;
    return 0;
}

static int
teardown(void **state)
{
    dx_ruleset_unref(*state);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

static DxDecisionList *
decide_csv(DxRuleset *rs, const char *csv)
{
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    g_autoptr(GError) error = NULL;

    if (!dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error))
        fail_msg("%s", error->message);
    return dx_batch_decide(batch);
}

static const DxDecision *
find_decision(const DxDecisionList *list, const char *app_id, const char *policy_id)
{
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        if (strcmp(dx_decision_get_app_id(d), app_id) == 0 && strcmp(dx_decision_get_policy_id(d), policy_id) == 0)
            return d;
    }
    fail_msg("no decision %s/%s", app_id, policy_id);
    return NULL;
}

/* The message of the reason of @d with @code (the @nth such, from 0). */
static char *
message_of(const DxDecision *d, DxReasonCode code, guint nth)
{
    for (size_t i = 0; i < dx_decision_get_n_reasons(d); i++) {
        if (dx_decision_get_reason_code(d, i) == code && nth-- == 0)
            return dx_decision_dup_reason_message(d, i);
    }
    fail_msg("%s/%s has no reason %s", dx_decision_get_app_id(d), dx_decision_get_policy_id(d),
             dx_reason_code_to_string(code));
    return NULL;
}

/* ------------------------------------------------------------------ a tiny JSON validator */

static const char *json_value(const char *p);

static const char *
json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *
json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;   /* raw control characters (and the end) are not allowed */
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!g_ascii_isxdigit(p[i]))
                        return NULL;
                p += 5;
                continue;
            }
            if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
                return NULL;
        }
        p++;
    }
    return p + 1;
}

static const char *
json_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (g_ascii_isdigit(*p))
            p++;
    else
        return NULL;
    if (*p == '.' || *p == 'e' || *p == 'E')
        return NULL;   /* fen are integers */
    return p;
}

static const char *
json_value(const char *p)
{
    p = json_ws(p);
    switch (*p) {
    case '{':
        p = json_ws(p + 1);
        if (*p == '}')
            return p + 1;
        for (;;) {
            p = json_string(json_ws(p));
            if (p == NULL || *(p = json_ws(p)) != ':')
                return NULL;
            p = json_value(p + 1);
            if (p == NULL)
                return NULL;
            p = json_ws(p);
            if (*p == '}')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    case '[':
        p = json_ws(p + 1);
        if (*p == ']')
            return p + 1;
        for (;;) {
            p = json_value(p);
            if (p == NULL)
                return NULL;
            p = json_ws(p);
            if (*p == ']')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    case '"':
        return json_string(p);
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        return json_number(p);
    }
}

static void
assert_json_object(const char *json)
{
    const char *end;

    assert_true(g_utf8_validate(json, -1, NULL));
    assert_int_equal(json[0], '{');
    end = json_value(json);
    if (end == NULL || *json_ws(end) != '\0')
        fail_msg("not one JSON value: %s", json);
}

/* The top-level keys appear once each, in sorted order. */
static void
assert_json_keys_sorted(const char *json)
{
    static const char *const keys[] = {
        "{\"app_id\":", ",\"basis\":", ",\"bureau\":", ",\"computed_fen\":", ",\"enterprise_id\":",
        ",\"granted_fen\":", ",\"policy_id\":", ",\"reasons\":[", "],\"row\":", ",\"status\":",
    };
    const char *at = json;

    assert_true(g_str_has_prefix(json, "{\"app_id\":"));
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        const char *next = strstr(at, keys[i]);

        if (next == NULL)
            fail_msg("key %s missing or out of order in %s", keys[i], json);
        at = next + strlen(keys[i]);
    }
    assert_true(g_str_has_suffix(json, "\"}"));
}

/* ------------------------------------------------------------------ sentences */

static const char apps_csv[] =
    "app_id,enterprise_id,submitted_on,policy,district,paid_in_capital,revenue_growth,employees,blacklisted,revenue,x\n"
    /* 2: all three FIN-HQ clauses fail (一次告知) */
    "CF,E1,2022-05-01,FIN-HQ,洪山区,8000万元,,,true,,\n"
    /* 3: GROW: growth missing, the other clauses hold */
    "MF,E2,2022-05-01,GROW,武昌区,,,60,,,\n"
    /* 4: capped: 6亿 × 2% = 1,200万 > 1,000万 */
    "CP,E3,2022-05-01,FIN-HQ,武昌区,6亿元,,,,,\n"
    /* 5: once: CP took FIN-HQ for E3 earlier in canonical order */
    "ON,E3,2022-06-01,FIN-HQ,武昌区,1亿元,,,,,\n"
    /* 6: outside the window */
    "OW,E4,2022-02-28,FIN-HQ,武昌区,1亿元,,,,,\n"
    /* 7: a bad cell: 3 decimals of 元 in column 6 */
    "IF,E5,2022-05-01,FIN-HQ,武昌区,12.345,,,,,\n"
    /* 8: an unknown policy */
    "UP,E6,2022-05-01,NOPE,,,,,,,\n"
    /* 9: duplicate of CF */
    "CF,E7,2022-05-01,FIN-HQ,武昌区,1亿元,,,,,\n"
    /* 10: award ≤ 0: 80万 − 100万 = −20万 */
    "AZ,E8,2022-05-01,ZERO,,,,,,80万元,\n"
    /* 11-13: PCAP for E9: 12万 + 10万 then 15万 with 3万 of room */
    "P1,E9,2022-05-01,PCAP,,,,,,120万元,\n"
    "P2,E9,2022-05-02,PCAP,,,,,,100万元,\n"
    "P3,E9,2022-05-03,PCAP,,,,,,150万元,\n"
    /* 14-15: run-time errors in a clause and in the award */
    "EC,E10,2022-05-01,DIVC,,,,,,1万元,0\n"
    "EA,E11,2022-05-01,DIVA,,,,,,1万元,0\n"
    /* 16-19: award forms */
    "TB,E12,2022-05-01,TABLE,,,,,,8000万元,\n"
    "PR,E13,2022-05-01,PER,,,,,,3.5亿元,\n"
    "MG,E14,2022-05-01,MARG,,,,,,1.5亿元,\n"
    "FX,E15,2022-05-01,GROW,武昌区,,12%,50,,,\n"
    /* 20: GROW with every clause false: percent, integer and list details */
    "GF,E16,2022-05-01,GROW,江岸区,,5%,30,,,\n"
    /* 21: a ragged row */
    "RG,E17,2022-05-01,GROW\n"
    /* 22: failed clauses keep their values packed; this x does not fit in
     * 64 bits and is kept whole; the second clause compares two fields */
    "BX,E18,2022-05-01,BIGX,,1万元,,,,5000元,123456789012345678901.5\n";

static void
test_explain_sentences(void **state)
{
    static const struct {
        const char *app_id;
        const char *policy_id;
        DxReasonCode code;
        guint nth;
        const char *fragments[4];
    } cases[] = {
        /* §7's own examples */
        { "CF", "FIN-HQ", DX_REASON_CLAUSE_FAILED, 2,
          { "不满足「实缴资本达到1亿元」", "实缴资本为 8,000万元", "要求 ≥ 1亿元" } },
        { "CF", "FIN-HQ", DX_REASON_CLAUSE_FAILED, 0, { "不满足「注册在本区」", "洪山区", "武昌区" } },
        { "CF", "FIN-HQ", DX_REASON_CLAUSE_FAILED, 1, { "不满足「非失信主体」", "失信主体为 是，要求为 否" } },
        { "MF", "GROW", DX_REASON_MISSING_FIELD, 0, { "缺少「营业收入增速」，请补正后重新申报" } },
        { "CP", "FIN-HQ", DX_REASON_CAPPED, 0, { "测算 1,200万元，按单项上限 1,000万元 核定" } },
        { "CP", "FIN-HQ", DX_REASON_AWARD_FORMULA, 0, { "1,200万元" } },
        /* the rest of steps 1-6 */
        { "ON", "FIN-HQ", DX_REASON_ONCE_ONLY, 0, { "金融机构总部落户奖励", "一次" } },
        { "OW", "FIN-HQ", DX_REASON_OUTSIDE_WINDOW, 0, { "2022-02-28", "2022-03-01", "2022-11-30" } },
        { "IF", "FIN-HQ", DX_REASON_INVALID_FIELD, 0, { "「实缴资本」", "第 7 行", "12.345" } },
        { "UP", "NOPE", DX_REASON_UNKNOWN_POLICY, 0, { "NOPE" } },
        { "CF", "FIN-HQ", DX_REASON_DUPLICATE_APP_ID, 0, { "CF" } },
        { "AZ", "ZERO", DX_REASON_AWARD_ZERO, 0, { "-20万元" } },
        { "P3", "PCAP", DX_REASON_POLICY_ENTERPRISE_CAP, 0, { "单户封顶奖励", "25万元", "22万元", "3万元" } },
        { "P1", "PCAP", DX_REASON_AWARD_RATE, 0, { "12万元" } },
        { "EC", "DIVC", DX_REASON_EVAL_ERROR, 0, { "「人均达标」", "除数为零" } },
        { "EA", "DIVA", DX_REASON_EVAL_ERROR, 0, { "奖励金额", "除数为零" } },
        /* 8000万 ≥ 5000万 → 100万 */
        { "TB", "TABLE", DX_REASON_AWARD_TABLE, 0, { "100万元" } },
        /* 30万 + steps(3.5亿 − 1亿, 1亿) × 30万 = 30万 + 2 × 30万 = 90万 */
        { "PR", "PER", DX_REASON_AWARD_PER, 0, { "90万元" } },
        /* 1亿 × 5% + 0.5亿 × 3% = 500万 + 150万 = 650万 */
        { "MG", "MARG", DX_REASON_AWARD_MARGINAL, 0, { "650万元" } },
        { "FX", "GROW", DX_REASON_AWARD_FIXED, 0, { "10万元" } },
        { "GF", "GROW", DX_REASON_CLAUSE_FAILED, 0, { "不满足「增速达标」", "营业收入增速为 5%", "10%" } },
        { "GF", "GROW", DX_REASON_CLAUSE_FAILED, 1, { "不满足「规模达标」", "从业人数为 30", "≥ 50" } },
        { "GF", "GROW", DX_REASON_CLAUSE_FAILED, 2, { "不满足「本区或邻区」", "江岸区", "武昌区", "洪山区" } },
        { "RG", "GROW", DX_REASON_INVALID_FIELD, 0, { "第 21 行" } },
        { "BX", "BIGX", DX_REASON_CLAUSE_FAILED, 0, { "不满足「系数不超过1」", "系数为 123456789012345678901.5", "≤ 1" } },
        { "BX", "BIGX", DX_REASON_CLAUSE_FAILED, 1, { "营业收入为 5,000元", "要求 ≥ 10,000元" }   /* one unit per sentence */ },
        { "BX", "BIGX", DX_REASON_CLAUSE_FAILED, 2, { "失信主体为 否，要求为 是" } },
    };
    g_autoptr(DxDecisionList) list = decide_csv(*state, apps_csv);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const DxDecision *d = find_decision(list, cases[i].app_id, cases[i].policy_id);
        g_autofree char *msg = NULL;

        if (cases[i].code == DX_REASON_DUPLICATE_APP_ID) {   /* the second CF row */
            for (size_t k = 0; k < dx_decision_list_get_n_items(list); k++) {
                const DxDecision *e = dx_decision_list_get_item(list, k);

                if (strcmp(dx_decision_get_app_id(e), "CF") == 0 && dx_decision_get_status(e) == DX_STATUS_DUPLICATE)
                    d = e;
            }
        }
        msg = message_of(d, cases[i].code, cases[i].nth);
        assert_true(g_utf8_validate(msg, -1, NULL));
        assert_null(strchr(msg, '\n'));
        for (size_t k = 0; k < G_N_ELEMENTS(cases[i].fragments) && cases[i].fragments[k] != NULL; k++) {
            if (strstr(msg, cases[i].fragments[k]) == NULL)
                fail_msg("case %zu (%s): “%s” lacks “%s”", i, dx_reason_code_to_string(cases[i].code), msg,
                         cases[i].fragments[k]);
        }
    }
}

static void
test_explain_statuses_of_the_cases(void **state)
{
    /* The sentences above explain the decisions they should. */
    static const char expected[] =
        "app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons\n"
        "AZ,E8,ZERO,commerce,rejected,0,0,award_zero\n"
        "BX,E18,BIGX,commerce,rejected,0,0,clause_failed;clause_failed;clause_failed\n"
        "CF,E1,FIN-HQ,finance,rejected,0,0,clause_failed;clause_failed;clause_failed\n"
        "CF,E7,FIN-HQ,finance,duplicate,0,0,duplicate_app_id\n"
        "CP,E3,FIN-HQ,finance,reduced,600000000,500000000,award_formula;capped\n"
        "EA,E11,DIVA,commerce,error,0,0,eval_error\n"
        "EC,E10,DIVC,commerce,error,0,0,eval_error\n"
        "FX,E15,GROW,commerce,approved,10000000,10000000,award_fixed\n"
        "GF,E16,GROW,commerce,rejected,0,0,clause_failed;clause_failed;clause_failed\n"
        "IF,E5,FIN-HQ,finance,invalid,0,0,invalid_field\n"
        "MF,E2,GROW,commerce,incomplete,0,0,missing_field\n"
        "MG,E14,MARG,commerce,approved,650000000,650000000,award_marginal\n"
        "ON,E3,FIN-HQ,finance,rejected,0,0,once_only\n"
        "OW,E4,FIN-HQ,finance,rejected,0,0,outside_window\n"
        "P1,E9,PCAP,commerce,approved,12000000,12000000,award_rate\n"
        "P2,E9,PCAP,commerce,approved,10000000,10000000,award_rate\n"
        "P3,E9,PCAP,commerce,reduced,15000000,3000000,award_rate;policy_enterprise_cap\n"
        "PR,E13,PER,commerce,approved,90000000,90000000,award_per\n"
        "RG,E17,GROW,commerce,invalid,0,0,invalid_field\n"
        "TB,E12,TABLE,commerce,approved,100000000,100000000,award_table\n"
        "UP,E6,NOPE,,invalid,0,0,unknown_policy\n";
    g_autoptr(DxDecisionList) list = decide_csv(*state, apps_csv);
    g_autofree char *csv = dx_decision_list_dup_csv(list);

    assert_string_equal(csv, expected);
}

static void
test_explain_reasons_carry_basis(void **state)
{
    g_autoptr(DxDecisionList) list = decide_csv(*state, apps_csv);

    assert_string_equal(dx_decision_get_basis(find_decision(list, "CP", "FIN-HQ")), "武政规〔2021〕8号 第三条");
    assert_string_equal(dx_decision_get_basis(find_decision(list, "UP", "NOPE")), "");
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);

        assert_true(dx_decision_get_n_reasons(d) >= 1);
        for (size_t k = 0; k < dx_decision_get_n_reasons(d); k++) {
            g_autofree char *msg = dx_decision_dup_reason_message(d, k);

            assert_true(msg[0] != '\0');
        }
    }
}

/* ------------------------------------------------------------------ JSON */

static void
test_explain_json_every_decision(void **state)
{
    g_autoptr(DxDecisionList) list = decide_csv(*state, apps_csv);

    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        g_autofree char *json = dx_decision_dup_json(d);
        g_autofree char *row = g_strdup_printf(",\"row\":%" G_GUINT64_FORMAT ",", dx_decision_get_row(d));
        g_autofree char *status = g_strdup_printf(",\"status\":\"%s\"}", dx_status_to_string(dx_decision_get_status(d)));
        g_autofree char *fen = g_strdup_printf(",\"granted_fen\":%" G_GINT64_FORMAT ",",
                                               dx_decision_get_granted_fen(d));

        assert_json_object(json);
        assert_json_keys_sorted(json);
        assert_non_null(strstr(json, row));
        assert_non_null(strstr(json, status));
        assert_non_null(strstr(json, fen));
        /* one {code, message} object per reason, in step order */
        for (size_t k = 0; k < dx_decision_get_n_reasons(d); k++) {
            g_autofree char *item = g_strdup_printf("%s{\"code\":\"%s\",\"message\":\"", k == 0 ? "[" : "},",
                                                    dx_reason_code_to_string(dx_decision_get_reason_code(d, k)));

            assert_non_null(strstr(json, item));
        }
    }
}

static void
test_explain_json_content(void **state)
{
    g_autoptr(DxDecisionList) list = decide_csv(*state, apps_csv);
    g_autofree char *json = dx_decision_dup_json(find_decision(list, "CP", "FIN-HQ"));

    assert_string_equal(json, "{\"app_id\":\"CP\",\"basis\":\"武政规〔2021〕8号 第三条\",\"bureau\":\"finance\","
                              "\"computed_fen\":600000000,\"enterprise_id\":\"E3\",\"granted_fen\":500000000,"
                              "\"policy_id\":\"FIN-HQ\",\"reasons\":["
                              "{\"code\":\"award_formula\",\"message\":\"按公式测算奖励 1,200万元\"},"
                              "{\"code\":\"capped\",\"message\":\"测算 1,200万元，按单项上限 1,000万元 核定\"}"
                              "],\"row\":4,\"status\":\"reduced\"}");
}

static void
test_explain_json_escapes(void **state)
{
    /* app ids and enterprise ids with quotes, backslashes, line breaks,
     * tabs and other control characters, given through the API */
    static const struct {
        const char *app_id;
        const char *escaped;
    } cases[] = {
        { "a\"b", "\"app_id\":\"a\\\"b\"" },
        { "line\nbreak", "\"app_id\":\"line\\nbreak\"" },
        { "cr\r\nlf", "\"app_id\":\"cr\\r\\nlf\"" },
        { "back\\slash", "\"app_id\":\"back\\\\slash\"" },
        { "tab\there", "\"app_id\":\"tab\\there\"" },
        { "bell\x07", "\"app_id\":\"bell\\u0007\"" },
        { "中文\"「」", "\"app_id\":\"中文\\\"「」\"" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxApplication) app = dx_application_new(*state);
        g_autoptr(DxBatch) batch = dx_batch_new(*state);
        g_autoptr(DxDecisionList) list = NULL;
        g_autofree char *json = NULL;
        g_autofree char *dup_json = NULL;
        const DxDecision *d;

        assert_true(dx_application_set(app, "app_id", cases[i].app_id, NULL));
        assert_true(dx_application_set(app, "enterprise_id", "E\"1", NULL));
        assert_true(dx_application_set(app, "submitted_on", "2022-05-01", NULL));
        assert_true(dx_application_set(app, "policy", "FIN-HQ", NULL));
        assert_true(dx_application_set(app, "district", "武昌区", NULL));
        assert_true(dx_application_set(app, "paid_in_capital", "1亿元", NULL));
        dx_batch_add_application(batch, app);
        dx_batch_add_application(batch, app);   /* a duplicate, whose message repeats the id */
        list = dx_batch_decide(batch);
        assert_int_equal(dx_decision_list_get_n_items(list), 2);

        d = dx_decision_list_get_item(list, 0);
        assert_string_equal(dx_decision_get_app_id(d), cases[i].app_id);
        json = dx_decision_dup_json(d);
        assert_json_object(json);
        assert_json_keys_sorted(json);
        assert_non_null(strstr(json, cases[i].escaped));
        assert_non_null(strstr(json, "\"enterprise_id\":\"E\\\"1\""));
        assert_non_null(strstr(json, "\"status\":\"approved\""));

        d = dx_decision_list_get_item(list, 1);
        assert_int_equal(dx_decision_get_status(d), DX_STATUS_DUPLICATE);
        dup_json = dx_decision_dup_json(d);
        assert_json_object(dup_json);
        assert_json_keys_sorted(dup_json);
        assert_non_null(strstr(dup_json, "{\"code\":\"duplicate_app_id\",\"message\":\""));
    }
}

static void
test_explain_json_validator_rejects(void **state)
{
    /* The validator itself must tell bad JSON from good. */
    static const char *const bad[] = {
        "{\"a\":\"x\ny\"}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":\"\\q\"}", "{\"a\":[1,2}", "{\"a\":1.5}",
    };
    (void)state;

    assert_non_null(json_value("{\"a\":[1,{\"b\":\"\\u00e9\\n\"}],\"c\":-2,\"d\":null}"));
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *end = json_value(bad[i]);

        assert_true(end == NULL || *json_ws(end) != '\0');
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_sentences),
        cmocka_unit_test(test_explain_statuses_of_the_cases),
        cmocka_unit_test(test_explain_reasons_carry_basis),
        cmocka_unit_test(test_explain_json_every_decision),
        cmocka_unit_test(test_explain_json_content),
        cmocka_unit_test(test_explain_json_escapes),
        cmocka_unit_test(test_explain_json_validator_rejects),
    };

    return cmocka_run_group_tests_name("explain", tests, setup, teardown);
}
