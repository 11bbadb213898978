/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the message table of the explanations (lib/decide/dx-messages.c):
 * every message has a Chinese and an English template; both use exactly
 * the slots the entry declares, so no language can lose a number or name
 * a slot nobody fills; the entries stand where the enums say (a reason's
 * sentence at its DxReasonCode, a status's words at its DxStatus); and
 * the formatter fills named slots in either order, repeats them, writes
 * integers without any locale's grouping and never re-reads what it
 * filled in. The templates are parsed here by a parser of the test's own,
 * not the library's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include <glib.h>

#include "duixian/duixian.h"
#include "decide/dx-messages-private.h"

/* g_ptr_array_sort() passes pointers to the elements */
static int
cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The slot names of @tmpl, sorted and deduplicated, space-separated; NULL
 * (with *why set) if a brace is unbalanced or a name is not [a-z_]+. */
static char *
template_slots(const char *tmpl, const char **why)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GString *out = g_string_new(NULL);

    for (const char *p = tmpl; *p != '\0'; p++) {
        const char *q;

        if (*p == '}') {
            *why = "a '}' without '{'";
            g_string_free(out, TRUE);
            return NULL;
        }
        if (*p != '{')
            continue;
        for (q = p + 1; (*q >= 'a' && *q <= 'z') || *q == '_'; q++)
            ;
        if (*q != '}' || q == p + 1) {
            *why = "a '{' not closed by '}' after a name of [a-z_]";
            g_string_free(out, TRUE);
            return NULL;
        }
        g_ptr_array_add(names, g_strndup(p + 1, (gsize)(q - p - 1)));
        p = q;
    }
    g_ptr_array_sort(names, cmp_str_ptr);
    for (guint i = 0; i < names->len; i++) {
        const char *n = names->pdata[i];

        if (i > 0 && strcmp(n, names->pdata[i - 1]) == 0)
            continue;
        if (out->len > 0)
            g_string_append_c(out, ' ');
        g_string_append(out, n);
    }
    return g_string_free(out, FALSE);
}

/* @slots (space-separated, any order) sorted and deduplicated. */
static char *
declared_slots(const char *slots)
{
    g_auto(GStrv) words = g_strsplit(slots, " ", -1);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    GString *out = g_string_new(NULL);

    for (guint i = 0; words[i] != NULL; i++) {
        if (*words[i] != '\0')
            g_ptr_array_add(sorted, words[i]);
    }
    g_ptr_array_sort(sorted, cmp_str_ptr);
    for (guint i = 0; i < sorted->len; i++) {
        if (i > 0 && strcmp(sorted->pdata[i], sorted->pdata[i - 1]) == 0)
            continue;
        if (out->len > 0)
            g_string_append_c(out, ' ');
        g_string_append(out, sorted->pdata[i]);
    }
    return g_string_free(out, FALSE);
}

static void
test_parser_of_this_test(void **state)
{
    const char *why = NULL;
    g_autofree char *a = template_slots("x {b} y {a} {b}", &why);
    g_autofree char *b = template_slots("none", &why);
    g_autofree char *c = declared_slots("b a  b");

    (void)state;
    assert_string_equal(a, "a b");
    assert_string_equal(b, "");
    assert_string_equal(c, "a b");
    assert_null(template_slots("{a", &why));
    assert_null(template_slots("a}", &why));
    assert_null(template_slots("{A}", &why));
    assert_null(template_slots("{}", &why));
}

static void
test_every_message_has_both_templates(void **state)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    (void)state;
    for (guint id = 0; id < DX_MSG_N; id++) {
        const DxMessage *m = dx_msg_get((DxMsg)id);

        assert_non_null(m);
        assert_non_null(m->name);
        if (*m->name == '\0' || m->slots == NULL || m->zh == NULL || m->en == NULL || *m->zh == '\0' ||
            *m->en == '\0')
            fail_msg("message %u (%s): a template or the slot list is missing", id, m->name);
        if (!g_hash_table_add(seen, (gpointer)m->name))
            fail_msg("message %u: name %s used twice", id, m->name);
        assert_string_equal(dx_msg_text((DxMsg)id, FALSE), m->zh);
        assert_string_equal(dx_msg_text((DxMsg)id, TRUE), m->en);
    }
}

static void
test_both_languages_use_the_declared_slots(void **state)
{
    (void)state;
    for (guint id = 0; id < DX_MSG_N; id++) {
        const DxMessage *m = dx_msg_get((DxMsg)id);
        const char *why = NULL;
        g_autofree char *want = declared_slots(m->slots);
        g_autofree char *zh = template_slots(m->zh, &why);
        g_autofree char *en = NULL;

        if (zh == NULL)
            fail_msg("message %s: the Chinese template has %s", m->name, why);
        en = template_slots(m->en, &why);
        if (en == NULL)
            fail_msg("message %s: the English template has %s", m->name, why);
        if (strcmp(zh, want) != 0)
            fail_msg("message %s: the Chinese template's slots are \"%s\", the entry declares \"%s\"", m->name, zh,
                     want);
        if (strcmp(en, want) != 0)
            fail_msg("message %s: the English template's slots are \"%s\", the entry declares \"%s\"", m->name, en,
                     want);
    }
}

/* ORDER DxReasonCode and ORDER DxStatus, checked by name: a message
 * inserted or moved in one place but not the other shows here. */
static void
test_entries_stand_at_their_codes(void **state)
{
    static const DxStatus statuses[] = {
        DX_STATUS_APPROVED, DX_STATUS_REDUCED, DX_STATUS_REJECTED, DX_STATUS_INCOMPLETE,
        DX_STATUS_INVALID, DX_STATUS_DUPLICATE, DX_STATUS_UNFUNDED, DX_STATUS_ERROR,
    };

    (void)state;
    assert_int_equal(DX_MSG_N_REASONS, DX_REASON_CLAWED_BACK + 1);
    for (guint code = 0; code < DX_MSG_N_REASONS; code++)
        assert_string_equal(dx_msg_get((DxMsg)code)->name, dx_reason_code_to_string((DxReasonCode)code));
    assert_int_equal(G_N_ELEMENTS(statuses), DX_STATUS_ERROR + 1);
    for (guint i = 0; i < G_N_ELEMENTS(statuses); i++) {
        g_autofree char *want = g_strconcat("status_", dx_status_to_string(statuses[i]), NULL);

        assert_string_equal(dx_msg_get((DxMsg)(DX_MSG_STATUS_APPROVED + (guint)statuses[i]))->name, want);
    }
    for (guint code = 0; code < DX_MSG_N_REASONS; code++) {
        g_autofree char *want = g_strconcat("label_", dx_reason_code_to_string((DxReasonCode)code), NULL);

        assert_string_equal(dx_msg_get((DxMsg)(DX_MSG_LABEL_INVALID_FIELD + code))->name, want);
    }
}

/* The public names (dx-decision.h): from the strings of the output files
 * to the codes and back, and the short names people read, in either
 * language; a string that is no code is refused, not guessed. */
static void
test_labels_of_codes_and_statuses(void **state)
{
    DxReasonCode code = DX_REASON_INVALID_FIELD;
    DxStatus status = DX_STATUS_APPROVED;

    (void)state;
    for (guint c = 0; c <= DX_REASON_CLAWED_BACK; c++) {
        assert_true(dx_reason_code_from_string(dx_reason_code_to_string((DxReasonCode)c), &code));
        assert_int_equal(code, c);
        assert_non_null(dx_reason_code_to_label((DxReasonCode)c, NULL));
    }
    for (guint s = 0; s <= DX_STATUS_ERROR; s++) {
        assert_true(dx_status_from_string(dx_status_to_string((DxStatus)s), &status));
        assert_int_equal(status, s);
    }
    assert_false(dx_reason_code_from_string("rationed ", &code));
    assert_false(dx_reason_code_from_string("", &code));
    assert_false(dx_status_from_string("Approved", &status));
    assert_string_equal(dx_reason_code_to_label(DX_REASON_RATIONED, NULL), "额度不足按比例核减");
    assert_string_equal(dx_reason_code_to_label(DX_REASON_RATIONED, "zh"), "额度不足按比例核减");
    assert_string_equal(dx_reason_code_to_label(DX_REASON_RATIONED, "en"), "rationed");
    assert_string_equal(dx_reason_code_to_label(DX_REASON_AWARD_TABLE, NULL), "按档位表核定");
    assert_string_equal(dx_reason_code_to_label(DX_REASON_CLAWED_BACK, NULL), "已追回");
    assert_string_equal(dx_status_to_label(DX_STATUS_REDUCED, NULL), "核减兑现");
    assert_string_equal(dx_status_to_label(DX_STATUS_UNFUNDED, "en"), "unfunded: queued");
}

static void
test_fill_in_each_language_order(void **state)
{
    g_autofree char *zh = NULL, *en = NULL;

    (void)state;
    /* the two languages name the group and the other policy in opposite orders */
    zh = DX_MSG_DUP(DX_MSG_GROUP_HIGHEST, FALSE, DX_MSG_S("group", "总部类奖励"), DX_MSG_S("other", "FIN-HQ"));
    en = DX_MSG_DUP(DX_MSG_GROUP_HIGHEST, TRUE, DX_MSG_S("group", "总部类奖励"), DX_MSG_S("other", "FIN-HQ"));
    assert_string_equal(zh, "与 FIN-HQ 同属「总部类奖励」，按就高原则不重复享受");
    assert_string_equal(en, "in the same group “总部类奖励” as FIN-HQ: only the highest award is paid");
    g_free(zh);
    g_free(en);
    zh = DX_MSG_DUP(DX_MSG_CAPPED, FALSE, DX_MSG_S("cap", "100万元"), DX_MSG_S("computed", "120万元"));
    en = DX_MSG_DUP(DX_MSG_CAPPED, TRUE, DX_MSG_S("computed", "120万元"), DX_MSG_S("cap", "100万元"));
    assert_string_equal(zh, "测算 120万元，按单项上限 100万元 核定");
    assert_string_equal(en, "computed 120万元, capped at the policy's cap of 100万元");
}

/* The format-2 sentences (docs/rules.md §10-§12) in both languages. */
static void
test_format2_sentences(void **state)
{
    g_autofree char *zh = NULL, *en = NULL, *pz = NULL, *pe = NULL, *nz = NULL, *ne = NULL;

    (void)state;
    zh = DX_MSG_DUP(DX_MSG_RANK_OUT, FALSE, DX_MSG_I("place", 12), DX_MSG_S("label", "零售额增速"),
                    DX_MSG_S("value", "20.5%"), DX_MSG_I("top", 10));
    en = DX_MSG_DUP(DX_MSG_RANK_OUT, TRUE, DX_MSG_I("place", 12), DX_MSG_S("label", "零售额增速"),
                    DX_MSG_S("value", "20.5%"), DX_MSG_I("top", 10));
    assert_string_equal(zh, "择优排名第 12 名（按「零售额增速」20.5%），本轮择优前 10 名");
    assert_string_equal(en, "ranked 12 (by “零售额增速” 20.5%); this round selects the top 10");
    pz = DX_MSG_DUP(DX_MSG_PARAM_FROM, FALSE, DX_MSG_S("label", "落户奖励比例"), DX_MSG_S("value", "1.5%"),
                    DX_MSG_S("from", "2022-07-01"));
    pe = DX_MSG_DUP(DX_MSG_PARAM_FROM, TRUE, DX_MSG_S("label", "落户奖励比例"), DX_MSG_S("value", "1.5%"),
                    DX_MSG_S("from", "2022-07-01"));
    assert_string_equal(pz, "落户奖励比例 1.5%（2022-07-01 起）");
    assert_string_equal(pe, "落户奖励比例 1.5% (from 2022-07-01)");
    nz = DX_MSG_DUP(DX_MSG_PARAM_NO_VALUE, FALSE, DX_MSG_S("param", "落户奖励比例"), DX_MSG_S("day", "2021-01-04"));
    ne = DX_MSG_DUP(DX_MSG_RECEIVED_GROUP, TRUE, DX_MSG_S("key", "ipo"), DX_MSG_S("amount", "100万元"));
    assert_string_equal(nz, "参数「落户奖励比例」在 2021-01-04 尚无取值，无法计算");
    assert_string_equal(ne, "already received 100万元 in group “ipo”");
}

static void
test_fill_repeats_ignores_and_does_not_rescan(void **state)
{
    g_autoptr(GString) out = g_string_new("> ");
    g_autofree char *braces = NULL;

    (void)state;
    /* {share} twice; an argument the template does not name is ignored */
    DX_MSG_APPEND(out, DX_MSG_STEP_FUND_SHARE, FALSE, DX_MSG_I("n", 3), DX_MSG_S("share", "60%"),
                  DX_MSG_S("amount", "100万元"), DX_MSG_S("charged", "60万元"), DX_MSG_S("unused", "x"));
    assert_string_equal(out->str, ">   3. 本资金承担 60%：100万元 × 60% = 60万元\n");
    /* a filled value that looks like a slot stays as it is */
    braces = DX_MSG_DUP(DX_MSG_MISSING_FIELD, TRUE, DX_MSG_S("field", "{row}"));
    assert_string_equal(braces, "“{row}” is missing; supply it and apply again");
}

static void
test_integers_without_grouping(void **state)
{
    static const char *const grouping[] = { "de_DE.UTF-8", "en_US.UTF-8", "zh_CN.UTF-8", "fr_FR.UTF-8" };
    const char *set = NULL;
    g_autofree char *big = NULL, *neg = NULL, *min = NULL;

    (void)state;
    /* with a locale that groups digits, if this machine has one */
    for (guint i = 0; i < G_N_ELEMENTS(grouping) && set == NULL; i++)
        set = setlocale(LC_ALL, grouping[i]);
    big = DX_MSG_DUP(DX_MSG_INVALID_ROW, FALSE, DX_MSG_I("row", 12345678), DX_MSG_S("detail", "引号未闭合"));
    neg = DX_MSG_DUP(DX_MSG_INSTALLMENT_AFTER_MONTHS, TRUE, DX_MSG_I("n", 0), DX_MSG_S("what", "30%"),
                     DX_MSG_I("months", -12));
    min = DX_MSG_DUP(DX_MSG_HEAD_ROW, TRUE, DX_MSG_I("row", G_MININT64));
    setlocale(LC_ALL, "C");
    assert_string_equal(big, "第 12345678 行格式有误：引号未闭合");
    assert_string_equal(neg, "  0. 30% -12 months after approval\n");
    assert_string_equal(min, " (row -9223372036854775808)");
}

/* One language per sentence: outside its {slots}, an English template has
 * no Chinese character and a Chinese one no English word (a word of two or
 * more ASCII letters; codes such as YYYY-MM-DD and units are allowed). */
static void
test_each_template_in_one_language(void **state)
{
    static const char *const allowed[] = { "YYYY", "MM", "DD", "CSV", "ID", NULL };

    (void)state;
    for (guint id = 0; id < DX_MSG_N; id++) {
        const DxMessage *m = dx_msg_get((DxMsg)id);

        for (int lang = 0; lang < 2; lang++) {
            const char *t = lang == 0 ? m->zh : m->en;
            gboolean in_slot = FALSE;

            for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
                gunichar c = g_utf8_get_char(p);

                if (c == '{' || c == '}') {
                    in_slot = c == '{';
                    continue;
                }
                if (in_slot)
                    continue;
                if (lang == 1 && c >= 0x4e00 && c <= 0x9fff)
                    fail_msg("message %s: Chinese in the English template: %s", m->name, t);
                if (lang == 0 && g_ascii_isalpha(*p) && g_ascii_isalpha(p[1])) {
                    gsize n = 0;
                    gboolean ok = FALSE;

                    while (g_ascii_isalpha(p[n]))
                        n++;
                    for (guint a = 0; allowed[a] != NULL && !ok; a++)
                        ok = strlen(allowed[a]) == n && strncmp(allowed[a], p, n) == 0;
                    if (!ok)
                        fail_msg("message %s: an English word in the Chinese template: %s", m->name, t);
                    p += n - 1;
                }
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser_of_this_test),
        cmocka_unit_test(test_every_message_has_both_templates),
        cmocka_unit_test(test_each_template_in_one_language),
        cmocka_unit_test(test_both_languages_use_the_declared_slots),
        cmocka_unit_test(test_entries_stand_at_their_codes),
        cmocka_unit_test(test_labels_of_codes_and_statuses),
        cmocka_unit_test(test_fill_in_each_language_order),
        cmocka_unit_test(test_format2_sentences),
        cmocka_unit_test(test_fill_repeats_ignores_and_does_not_rescan),
        cmocka_unit_test(test_integers_without_grouping),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
