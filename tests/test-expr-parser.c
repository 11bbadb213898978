/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the expression lexer and parser (lib/expr/dx-expr-lexer.c,
 * lib/expr/dx-expr-parser.c) against docs/rules.md §3: precedence and associativity
 * through the canonical s-expression of dx_expr_node_to_string(), literal
 * values (money, percent, per-mille, dates), syntax errors with their
 * "col N:" position, the depth and length limits, and the robustness
 * property that every prefix of a valid expression parses or fails cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "expr/dx-expr-private.h"

/* Valid expressions with their canonical forms. Money prints in 元 as an
 * exact decimal, numbers as exact decimals or n/d. */
static const struct {
    const char *in, *canon;
} canonical_cases[] = {
    /* precedence: or < and < not < comparison < + - < * / < unary - */
    { "a and b or c", "(or (and a b) c)" },
    { "a or b and c", "(or a (and b c))" },
    { "a or b or c", "(or (or a b) c)" },
    { "a and b and c", "(and (and a b) c)" },
    { "not a and b", "(and (not a) b)" },
    { "not a or not b", "(or (not a) (not b))" },
    { "not not a", "(not (not a))" },
    { "not a == b", "(not (== a b))" },
    { "not x in [\"a\"]", "(not (in x [\"a\"]))" },
    { "a == b and c != d", "(and (== a b) (!= c d))" },
    { "a < b + 1", "(< a (+ b 1))" },
    { "a + b > c * 2 and not d or e", "(or (and (> (+ a b) (* c 2)) (not d)) e)" },
    { "a <= b", "(<= a b)" },
    { "a >= b", "(>= a b)" },
    { "a > b", "(> a b)" },
    { "a != b", "(!= a b)" },
    { "1 - 2 - 3", "(- (- 1 2) 3)" },            /* left-associative */
    { "1 + 2 - 3 + 4", "(+ (- (+ 1 2) 3) 4)" },
    { "a / b / c", "(/ (/ a b) c)" },
    { "a * b / c * d", "(* (/ (* a b) c) d)" },
    { "1 + 2 * 3", "(+ 1 (* 2 3))" },
    { "1 * 2 + 3", "(+ (* 1 2) 3)" },
    { "(1 + 2) * 3", "(* (+ 1 2) 3)" },
    { "((a))", "a" },
    { "(a or b) and c", "(and (or a b) c)" },
    { "-a * b", "(* (neg a) b)" },
    { "- -a", "(neg (neg a))" },
    { "-(1 + 2)", "(neg (+ 1 2))" },
    { "-5", "-5" },
    { "- 5 - 3", "(- -5 3)" },
    { "a - -1", "(- a -1)" },
    { "a--1", "(- a -1)" },
    { "-x in [-1, 2]", "(in (neg x) [-1 2])" },
    { "x-1", "(- x 1)" },
    /* in / not in */
    { "x in [\"a\", \"b\"]", "(in x [\"a\" \"b\"])" },
    { "x not in [\"F52\", \"F51\"]", "(not-in x [\"F52\" \"F51\"])" },
    { "x in []", "(in x [])" },
    { "x + 1 in [1, 2]", "(in (+ x 1) [1 2])" },
    { "x in [1] and y", "(and (in x [1]) y)" },
    /* calls and lists */
    { "min(a, b, 3)", "(min a b 3)" },
    { "max(a,b)", "(max a b)" },
    { "f()", "(f)" },
    { "if(a > 1, 2万元, 0元)", "(if (> a 1) 20000元 0元)" },
    { "starts_with(code, \"F5\")", "(starts_with code \"F5\")" },
    { "table(x, [[0元, 1万元], [1亿元, 5万元]])", "(table x [[0元 10000元] [100000000元 50000元]])" },
    { "marginal(x, [[0元, 5%], [1亿元, 3%]])", "(marginal x [[0元 0.05] [100000000元 0.03]])" },
    { "steps(x - 1亿, 1亿) * 30万", "(* (steps (- x 100000000元) 100000000元) 300000元)" },
    { "[1, 2]", "[1 2]" },
    { "min(max(a, b), (c))", "(min (max a b) c)" },
    /* literals */
    { "12", "12" },
    { "0.15", "0.15" },
    { "1.20", "1.2" },
    { "15%", "0.15" },
    { "2‰", "0.002" },
    { "0.5%", "0.005" },
    { "12.5‰", "0.0125" },
    { "1/3", "(/ 1 3)" },
    { "300元", "300元" },
    { "89.6万元", "896000元" },
    { "89.6万", "896000元" },
    { "1.2亿", "120000000元" },
    { "1.2亿元", "120000000元" },
    { "0.015元", "0.015元" },
    { "5000万元", "50000000元" },
    { "-0.015元", "-0.015元" },
    { "10000000000000元", "10000000000000元" },     /* exactly 10^13 元 */
    { "100000亿", "10000000000000元" },
    { "true or false", "(or true false)" },
    { "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\"" },
    { "\"营业执照\"", "\"营业执照\"" },
    { "\"\"", "\"\"" },
    /* dates vs subtraction */
    { "2022-03-01", "2022-03-01" },
    { "d >= 2022-03-01", "(>= d 2022-03-01)" },
    { "2022 - 03 - 01", "(- (- 2022 3) 1)" },
    { "2022-3-1", "(- (- 2022 3) 1)" },
    { "2022-03-1", "(- (- 2022 3) 1)" },
    { "12.5-10-20", "(- (- 12.5 10) 20)" },
    { "2022-03-01-1", "(- 2022-03-01 1)" },
    { "2020-02-29", "2020-02-29" },
    { "0.15 >= 15%", "(>= 0.15 0.15)" },
    /* identifiers */
    { "营业收入 >= 2000万元", "(>= 营业收入 20000000元)" },
    { "注册地 == \"南京\" and 从业人数 > 10", "(and (== 注册地 \"南京\") (> 从业人数 10))" },
    { "_x1 == 1", "(== _x1 1)" },
    { "android or notx", "(or android notx)" },
    { "in_list == truex", "(== in_list truex)" },
    { "a\n and\r\n\tb", "(and a b)" },
};

static void
test_expr_parser_canonical_form(void **state)
{
    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(canonical_cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(canonical_cases[i].in, -1, NULL, &error);
        g_autofree char *got = NULL;

        if (node == NULL)
            fail_msg("“%s” does not parse: %s", canonical_cases[i].in, error->message);
        assert_null(error);
        got = dx_expr_node_to_string(node);
        if (strcmp(got, canonical_cases[i].canon) != 0)
            fail_msg("“%s”: got %s, expected %s", canonical_cases[i].in, got, canonical_cases[i].canon);
    }
}

static void
test_expr_parser_literal_values(void **state)
{
    /* exact values: type, numerator, denominator (money in fen) */
    static const struct {
        const char *in;
        DxType type;
        gint64 num, den;
    } cases[] = {
        { "15%", DX_TYPE_NUMBER, 3, 20 },
        { "2‰", DX_TYPE_NUMBER, 1, 500 },
        { "0.15", DX_TYPE_NUMBER, 3, 20 },
        { "89.6万元", DX_TYPE_MONEY, 89600000, 1 },
        { "0.015元", DX_TYPE_MONEY, 3, 2 },          /* 1.5 fen */
        { "1.2亿", DX_TYPE_MONEY, 12000000000LL, 1 },
        { "300元", DX_TYPE_MONEY, 30000, 1 },
        { "-300元", DX_TYPE_MONEY, -30000, 1 },
        { "12", DX_TYPE_NUMBER, 12, 1 },
        { "0.000001元", DX_TYPE_MONEY, 1, 10000 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(cases[i].in, -1, NULL, &error);

        assert_non_null(node);
        assert_int_equal(node->kind, DX_NODE_CONST);
        assert_int_equal(node->value.type, cases[i].type);
        if (node->value.u.r.num != cases[i].num || node->value.u.r.den != cases[i].den)
            fail_msg("“%s”: wrong value", cases[i].in);
    }
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse("2022-03-01", -1, NULL, &error);

        assert_non_null(node);
        assert_int_equal(node->value.type, DX_TYPE_DATE);
        assert_int_equal(node->value.u.date, 19052);
    }
    {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse("\"a\\\"b\"", -1, NULL, &error);

        assert_non_null(node);
        assert_int_equal(node->value.type, DX_TYPE_TEXT);
        assert_int_equal(node->value.u.t.len, 3);
        assert_memory_equal(node->value.u.t.s, "a\"b", 3);
    }
}

static void
test_expr_parser_errors(void **state)
{
    static const struct {
        const char *in;
        DxError code;
        const char *prefix;
    } cases[] = {
        { "a == b == c", DX_ERROR_EXPR_SYNTAX, "col 8:" },      /* comparisons do not chain */
        { "a < b < c", DX_ERROR_EXPR_SYNTAX, "col 7:" },
        { "a == b in [1]", DX_ERROR_EXPR_SYNTAX, "col 8:" },
        { "x in [1] == true", DX_ERROR_EXPR_SYNTAX, "col 10:" },
        { "5万美元", DX_ERROR_EXPR_SYNTAX, "col 3:" },          /* a letter right after a literal */
        { "x >= 5万美元", DX_ERROR_EXPR_SYNTAX, "col 8:" },
        { "5abc", DX_ERROR_EXPR_SYNTAX, "col 2:" },
        { "1e5", DX_ERROR_EXPR_SYNTAX, "col 2:" },
        { "15%x", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "2022-03-01x", DX_ERROR_EXPR_SYNTAX, "col 11:" },
        { "300元x", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "1.2.3", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "5.", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "x == 5,000万元", DX_ERROR_EXPR_SYNTAX, "col 7:" },  /* no thousands separators in rules */
        { "a ≥ b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a ≤ b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a − b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a × b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "（a）", DX_ERROR_EXPR_SYNTAX, "col 1:" },           /* full-width parenthesis */
        { "a，b", DX_ERROR_EXPR_SYNTAX, "col 2:" },
        { "营业收入　>= 1", DX_ERROR_EXPR_SYNTAX, "col 5:" },   /* ideographic space */
        { "a\xc2\xa0> 1", DX_ERROR_EXPR_SYNTAX, "col 2:" },     /* no-break space */
        { "x == ＂a＂", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "\"abc", DX_ERROR_EXPR_SYNTAX, "col 1:" },           /* unterminated string */
        { "x == \"abc", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "x == \"a\\", DX_ERROR_EXPR_SYNTAX, "col " },
        { "\"a\\nb\"", DX_ERROR_EXPR_SYNTAX, "col 3:" },        /* only \" and \\ escapes */
        { "\"中\\t\"", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a = 1", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a !b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a && b", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "x == 'a'", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "   ", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "a b", DX_ERROR_EXPR_SYNTAX, "col 3:" },              /* trailing junk */
        { "1 2", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "(a))", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "a)", DX_ERROR_EXPR_SYNTAX, "col 2:" },
        { "(a", DX_ERROR_EXPR_SYNTAX, "col 3:" },
        { "a +", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "age >= ", DX_ERROR_EXPR_SYNTAX, "col 8:" },
        { "not", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "a and", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "a == not b", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "f(a,)", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "f(a b)", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "f(a", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "[1,]", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "[1 2]", DX_ERROR_EXPR_SYNTAX, "col 4:" },
        { "x not [1]", DX_ERROR_EXPR_SYNTAX, "col 7:" },
        { "x in y", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { "x not in y", DX_ERROR_EXPR_SYNTAX, "col 10:" },
        { "2022-02-30", DX_ERROR_EXPR_SYNTAX, "col 1:" },       /* impossible date */
        { "d > 2021-02-29", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "d > 2022-13-01", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "10000000000000.01元", DX_ERROR_EXPR_SYNTAX, "col 1:" },  /* money literal beyond 10^13 元 */
        { "x > 100001亿", DX_ERROR_EXPR_SYNTAX, "col 5:" },
        { "1000000000000000000000000000000000000000000", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "营业收入 >= 2000万美元", DX_ERROR_EXPR_SYNTAX, "col 14:" },
        { "营业收入 ≥ 2000万元", DX_ERROR_EXPR_SYNTAX, "col 6:" },
        { ",", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "*a", DX_ERROR_EXPR_SYNTAX, "col 1:" },
        { "a\n b c", DX_ERROR_EXPR_SYNTAX, "col " },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(cases[i].in, -1, NULL, &error);

        if (node != NULL) {
            g_autofree char *s = dx_expr_node_to_string(node);

            fail_msg("“%s” parsed as %s", cases[i].in, s);
        }
        assert_non_null(error);
        if (!g_error_matches(error, DX_ERROR, cases[i].code))
            fail_msg("“%s”: error code %d, expected %d (%s)", cases[i].in, error->code,
                     cases[i].code, error->message);
        if (!g_str_has_prefix(error->message, cases[i].prefix))
            fail_msg("“%s”: message “%s” does not start with “%s”", cases[i].in, error->message,
                     cases[i].prefix);
    }
}

static void
test_expr_parser_rejects_bad_bytes(void **state)
{
    static const struct {
        const char *bytes;
        gssize len;
    } cases[] = {
        { "a\0b", 3 },           /* embedded NUL */
        { "a == \xff", 6 },       /* not UTF-8 */
        { "\xe4\xb8", 2 },        /* truncated UTF-8 sequence */
        { "x == \"\xc3\x28\"", 9 },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(cases[i].bytes, cases[i].len, NULL, &error);

        assert_null(node);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_EXPR_SYNTAX));
        assert_true(g_str_has_prefix(error->message, "col "));
    }
}

static char *
repeat(const char *piece, guint n)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < n; i++)
        g_string_append(s, piece);
    return g_string_free(s, FALSE);
}

static void
test_expr_parser_depth_limit(void **state)
{
    static const char *const nesters[][2] = {
        { "(", ")" }, { "-", "" }, { "not ", "" }, { "[", "]" }, { "f(", ")" }, { "min(1, ", ")" },
    };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(nesters); i++) {
        g_autofree char *open = repeat(nesters[i][0], 10000);
        g_autofree char *close = repeat(nesters[i][1], 10000);
        g_autofree char *src = g_strconcat(open, "a", close, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(src, -1, NULL, &error);

        assert_null(node);
        if (!g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT))
            fail_msg("10000 × “%s”: %s", nesters[i][0], error->message);
        assert_true(g_str_has_prefix(error->message, "col "));
    }
    /* moderate nesting is fine with the default limits */
    {
        g_autofree char *open = repeat("(", 10), *close = repeat(")", 10);
        g_autofree char *src = g_strconcat(open, "a + 1", close, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(src, -1, NULL, &error);
        g_autofree char *s = NULL;

        assert_non_null(node);
        s = dx_expr_node_to_string(node);
        assert_string_equal(s, "(+ a 1)");
    }
    /* a smaller limit is honoured */
    {
        DxExprLimits limits = { .max_depth = 4, .max_length = DX_EXPR_DEFAULT_MAX_LENGTH };
        g_autofree char *open = repeat("(", 10), *close = repeat(")", 10);
        g_autofree char *src = g_strconcat(open, "a", close, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(src, -1, &limits, &error);

        assert_null(node);
        assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT));
    }
}

static void
test_expr_parser_length_limit(void **state)
{
    DxExprLimits limits = { .max_depth = DX_EXPR_DEFAULT_MAX_DEPTH, .max_length = 10 };
    g_autoptr(GError) error = NULL;
    g_autoptr(DxExprNode) node = dx_expr_parse("a + b + c + d", -1, &limits, &error);
    g_autoptr(DxExprNode) ok = NULL;

    (void)state;
    assert_null(node);
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT));
    assert_true(g_str_has_prefix(error->message, "col 1:"));
    g_clear_error(&error);
    ok = dx_expr_parse("a + b + c", -1, &limits, &error);
    assert_non_null(ok);
    assert_null(error);
}

static void
test_expr_parser_long_chains(void **state)
{
    /* A chain "1+1+...+1" is flat to read but makes a tree as deep as it is
     * long, and checking and evaluation recurse over that tree: a 64 KiB
     * chain must stop at the depth limit, not overflow the stack later. */
    static const char *const ops[] = { "+", "*", " and ", " or ", "-", "/" };

    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(ops); i++) {
        GString *src = g_string_new("1");
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = NULL;

        while (src->len + strlen(ops[i]) + 1 <= DX_EXPR_DEFAULT_MAX_LENGTH)
            g_string_append_printf(src, "%s1", ops[i]);
        node = dx_expr_parse(src->str, (gssize)src->len, NULL, &error);
        g_string_free(src, TRUE);
        assert_null(node);
        if (!g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT))
            fail_msg("64 KiB chain of “%s”: %s", ops[i], error->message);
        assert_true(g_str_has_prefix(error->message, "col "));
    }
    /* a realistic chain is fine: 30 terms, left-associative */
    {
        g_autofree char *body = repeat("a + ", 29);
        g_autofree char *src = g_strconcat(body, "a", NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(src, -1, NULL, &error);

        assert_non_null(node);
        assert_int_equal(node->kind, DX_NODE_ADD);
        assert_int_equal(node->col, 29 * 4 - 1);   /* the last “+” */
        assert_int_equal(node->children[1]->kind, DX_NODE_FIELD);
    }
}

/* Valid rule expressions for the prefix property, beyond the canonical table. */
static const char *const robust_extra[] = {
    "营业收入 >= 2000万元 and 注册地 in [\"南京\", \"苏州\"] and not 失信主体",
    "min(实缴资本 * 30%, 500万元) + if(研发投入 > 1000万元, 50万元, 0元)",
    "marginal(营业收入, [[0元, 5%], [1亿元, 3%], [5亿元, 1%]]) + table(从业人数, [[0, 0元], [100, 10万元]])",
    "years_between(成立日期, 2022-03-01) >= 3 or months_between(成立日期, submitted_on) < 6",
    "starts_with(industry, \"F5\") and code not in [\"F52\", \"F51\"] and ratio >= 2‰",
    "30万元 + steps(营业收入 - 1亿元, 1亿元) * 30万元",
    "\"a\\\"b\\\\c\" == name",
};

static void
check_every_prefix(const char *src)
{
    gsize len = strlen(src);

    for (const char *p = src;; p = g_utf8_next_char(p)) {
        gsize n = (gsize)(p - src);
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(src, (gssize)n, NULL, &error);

        if (node != NULL) {
            g_autofree char *s = dx_expr_node_to_string(node);

            assert_null(error);
            assert_non_null(s);
        } else {
            if (error == NULL)
                fail_msg("prefix %" G_GSIZE_FORMAT " of “%s”: NULL without an error", n, src);
            if (!g_error_matches(error, DX_ERROR, DX_ERROR_EXPR_SYNTAX) &&
                !g_error_matches(error, DX_ERROR, DX_ERROR_LIMIT))
                fail_msg("prefix %" G_GSIZE_FORMAT " of “%s”: code %d (%s)", n, src, error->code,
                         error->message);
            if (!g_str_has_prefix(error->message, "col "))
                fail_msg("prefix %" G_GSIZE_FORMAT " of “%s”: message “%s”", n, src, error->message);
        }
        if (n >= len)
            break;
    }
}

static void
test_expr_parser_every_prefix_parses_or_fails_cleanly(void **state)
{
    (void)state;
    for (gsize i = 0; i < G_N_ELEMENTS(canonical_cases); i++)
        check_every_prefix(canonical_cases[i].in);
    for (gsize i = 0; i < G_N_ELEMENTS(robust_extra); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxExprNode) node = dx_expr_parse(robust_extra[i], -1, NULL, &error);

        if (node == NULL)
            fail_msg("“%s” does not parse: %s", robust_extra[i], error->message);
        check_every_prefix(robust_extra[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_parser_canonical_form),
        cmocka_unit_test(test_expr_parser_literal_values),
        cmocka_unit_test(test_expr_parser_errors),
        cmocka_unit_test(test_expr_parser_rejects_bad_bytes),
        cmocka_unit_test(test_expr_parser_depth_limit),
        cmocka_unit_test(test_expr_parser_length_limit),
        cmocka_unit_test(test_expr_parser_long_chains),
        cmocka_unit_test(test_expr_parser_every_prefix_parses_or_fails_cleanly),
    };
    return cmocka_run_group_tests_name("expr-parser", tests, NULL, NULL);
}
