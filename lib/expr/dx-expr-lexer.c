/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The expression lexer (docs/rules.md §3). Literals are turned into exact values
 * here: "89.6万元" becomes the money 89,600,000 fen, "15%" the number 3/20,
 * "2022-03-01" a date (an impossible date is an error). A letter right
 * after a literal is an error ("5万美元"), and only ASCII whitespace
 * separates tokens: "≥", "×" or full-width punctuation are rejected, never
 * guessed at. Columns count characters, 1-based, as editors show them.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "expr/dx-expr-private.h"

#include <string.h>

static const struct {
    const char *word;
    DxTokenKind kind;
} lexer_keywords[] = {
    { "and", DX_TOK_AND }, { "or", DX_TOK_OR }, { "not", DX_TOK_NOT },
    { "in", DX_TOK_IN }, { "true", DX_TOK_TRUE }, { "false", DX_TOK_FALSE },
};

/* Money units, longest first so "万元" wins over "万". */
static const struct {
    const char *unit;
    int64_t fen;
} lexer_money_units[] = {
    { "万元", DX_FEN_PER_WAN }, { "亿元", DX_FEN_PER_YI },
    { "万", DX_FEN_PER_WAN }, { "亿", DX_FEN_PER_YI }, { "元", DX_FEN_PER_YUAN },
};

void
dx_lexer_init(DxLexer *lx, const char *src, gsize len)
{
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->col = 1;
}

static gboolean
lexer_fail(DxLexer *lx, GError **error, guint32 col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static gboolean
lexer_fail(DxLexer *lx, GError **error, guint32 col, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, DX_ERROR, DX_ERROR_EXPR_SYNTAX, "col %u: %s", col, msg);
    return FALSE;
}

static gunichar
lexer_peek_char(const DxLexer *lx, gsize at)
{
    if (at >= lx->len)
        return 0;
    return g_utf8_get_char(lx->src + at);
}

static gboolean
lexer_is_ident_char(gunichar c)
{
    return c == '_' || (c >= '0' && c <= '9') || g_unichar_isalpha(c);
}

/* Advances over @nbytes bytes holding @nchars characters. */
static void
lexer_skip(DxLexer *lx, gsize nbytes, guint32 nchars)
{
    lx->pos += nbytes;
    lx->col += nchars;
}

static gboolean
lexer_number(DxLexer *lx, DxToken *tok, GError **error)
{
    gsize start = lx->pos, end = start;
    DxRat v;
    gboolean is_money = FALSE;

    while (end < lx->len && (g_ascii_isdigit(lx->src[end]) || lx->src[end] == '.'))
        end++;
    /* a date: exactly YYYY-MM-DD, which cannot be an arithmetic expression
     * because numbers never start with 0-padded two-digit pieces glued by '-'.
     * YYYY is four digits: "12.5-10-20" is a subtraction. */
    if (end - start == 4 && memchr(lx->src + start, '.', 4) == NULL && end + 6 <= lx->len &&
        lx->src[end] == '-' &&
        g_ascii_isdigit(lx->src[end + 1]) && g_ascii_isdigit(lx->src[end + 2]) &&
        lx->src[end + 3] == '-' && g_ascii_isdigit(lx->src[end + 4]) &&
        g_ascii_isdigit(lx->src[end + 5])) {
        gint32 days;

        if (!dx_date_parse(lx->src + start, 10, &days))
            return lexer_fail(lx, error, tok->col, "“%.*s” is not a calendar date", 10,
                              lx->src + start);
        tok->kind = DX_TOK_DATE;
        tok->value.type = DX_TYPE_DATE;
        tok->value.u.date = days;
        lexer_skip(lx, 10, 10);
        end = lx->pos;
    } else {
        if (!dx_rat_parse_decimal(lx->src + start, end - start, 30, &v))
            return lexer_fail(lx, error, tok->col, "“%.*s” is not a number", (int)(end - start),
                              lx->src + start);
        lexer_skip(lx, end - start, (guint32)(end - start));
        if (lx->pos < lx->len && lx->src[lx->pos] == '%') {
            dx_rat_div(v, dx_rat_int(100), &v);
            tok->value.elem = 1;
            lexer_skip(lx, 1, 1);
        } else if (lx->len - lx->pos >= 3 && memcmp(lx->src + lx->pos, "‰", 3) == 0) {
            dx_rat_div(v, dx_rat_int(1000), &v);
            tok->value.elem = 2;
            lexer_skip(lx, 3, 1);
        } else {
            for (gsize u = 0; u < G_N_ELEMENTS(lexer_money_units); u++) {
                gsize ul = strlen(lexer_money_units[u].unit);

                if (lx->len - lx->pos >= ul && memcmp(lx->src + lx->pos, lexer_money_units[u].unit, ul) == 0) {
                    if (dx_rat_mul(v, dx_rat_int(lexer_money_units[u].fen), &v) != DX_NUM_OK ||
                        !dx_rat_money_in_range(v))
                        return lexer_fail(lx, error, tok->col,
                                          "money literal beyond 10^13 元");
                    lexer_skip(lx, ul, (guint32)g_utf8_strlen(lexer_money_units[u].unit, -1));
                    is_money = TRUE;
                    break;
                }
            }
        }
        tok->kind = DX_TOK_NUMBER;
        tok->value.type = is_money ? DX_TYPE_MONEY : DX_TYPE_NUMBER;
        tok->value.u.r = v;
        end = lx->pos;
    }
    if (lexer_is_ident_char(lexer_peek_char(lx, end)) || lexer_peek_char(lx, end) == '.')
        return lexer_fail(lx, error, lx->col,
                          "unexpected “%.*s” right after a literal (units are 元, 万元, 亿元, %%, ‰)",
                          (int)(g_utf8_next_char(lx->src + end) - (lx->src + end)), lx->src + end);
    tok->len = (guint32)(end - start);
    return TRUE;
}

static gboolean
lexer_string(DxLexer *lx, DxToken *tok, GError **error)
{
    GString *s = g_string_new(NULL);
    gsize p = lx->pos + 1;
    guint32 col = lx->col + 1;

    for (;;) {
        if (p >= lx->len) {
            g_string_free(s, TRUE);
            return lexer_fail(lx, error, tok->col, "unterminated string");
        }
        if (lx->src[p] == '"') {
            p++;
            col++;
            break;
        }
        if (lx->src[p] == '\\') {
            if (p + 1 < lx->len && (lx->src[p + 1] == '"' || lx->src[p + 1] == '\\')) {
                g_string_append_c(s, lx->src[p + 1]);
                p += 2;
                col += 2;
                continue;
            }
            g_string_free(s, TRUE);
            return lexer_fail(lx, error, col, "unknown escape in string (only \\\" and \\\\)");
        }
        {
            const char *next = g_utf8_next_char(lx->src + p);

            g_string_append_len(s, lx->src + p, next - (lx->src + p));
            p = (gsize)(next - lx->src);
            col++;
        }
    }
    tok->kind = DX_TOK_STRING;
    tok->text = g_string_free(s, FALSE);
    tok->len = (guint32)(p - lx->pos);
    lx->pos = p;
    lx->col = col;
    return TRUE;
}

gboolean
dx_lexer_next(DxLexer *lx, DxToken *tok, GError **error)
{
    gunichar c;

    memset(tok, 0, sizeof *tok);
    while (lx->pos < lx->len && (lx->src[lx->pos] == ' ' || lx->src[lx->pos] == '\t' ||
                                 lx->src[lx->pos] == '\n' || lx->src[lx->pos] == '\r')) {
        if (lx->src[lx->pos] == '\n')
            lx->col = 0;   /* multi-line expressions: columns restart */
        lexer_skip(lx, 1, 1);
    }
    tok->offset = (guint32)lx->pos;
    tok->col = lx->col;
    if (lx->pos >= lx->len) {
        tok->kind = DX_TOK_EOF;
        return TRUE;
    }
    c = lexer_peek_char(lx, lx->pos);
    if (c >= '0' && c <= '9')
        return lexer_number(lx, tok, error);
    if (c == '"')
        return lexer_string(lx, tok, error);
    if (c == '_' || g_unichar_isalpha(c)) {
        gsize start = lx->pos, p = lx->pos;
        guint32 n = 0;

        while (p < lx->len && lexer_is_ident_char(lexer_peek_char(lx, p))) {
            p = (gsize)(g_utf8_next_char(lx->src + p) - lx->src);
            n++;
        }
        tok->kind = DX_TOK_IDENT;
        for (gsize k = 0; k < G_N_ELEMENTS(lexer_keywords); k++) {
            if (strlen(lexer_keywords[k].word) == p - start &&
                memcmp(lexer_keywords[k].word, lx->src + start, p - start) == 0)
                tok->kind = lexer_keywords[k].kind;
        }
        if (tok->kind == DX_TOK_IDENT)
            tok->text = g_strndup(lx->src + start, p - start);
        tok->len = (guint32)(p - start);
        lexer_skip(lx, p - start, n);
        return TRUE;
    }
    {
        static const struct {
            const char *op;
            DxTokenKind kind;
        } ops[] = {
            /* two-character operators first */
            { "==", DX_TOK_EQ }, { "!=", DX_TOK_NE }, { "<=", DX_TOK_LE }, { ">=", DX_TOK_GE },
            { "<", DX_TOK_LT }, { ">", DX_TOK_GT }, { "+", DX_TOK_PLUS }, { "-", DX_TOK_MINUS },
            { "*", DX_TOK_STAR }, { "/", DX_TOK_SLASH }, { "(", DX_TOK_LPAREN },
            { ")", DX_TOK_RPAREN }, { "[", DX_TOK_LBRACKET }, { "]", DX_TOK_RBRACKET },
            { ",", DX_TOK_COMMA },
        };

        for (gsize k = 0; k < G_N_ELEMENTS(ops); k++) {
            gsize ol = strlen(ops[k].op);

            if (lx->len - lx->pos >= ol && memcmp(lx->src + lx->pos, ops[k].op, ol) == 0) {
                tok->kind = ops[k].kind;
                tok->len = (guint32)ol;
                lexer_skip(lx, ol, (guint32)ol);
                return TRUE;
            }
        }
    }
    {
        const char *next = g_utf8_next_char(lx->src + lx->pos);

        if (c == '=')
            return lexer_fail(lx, error, tok->col, "“=” is not an operator; compare with “==”");
        return lexer_fail(lx, error, tok->col, "unexpected character “%.*s”%s",
                          (int)(next - (lx->src + lx->pos)), lx->src + lx->pos,
                          c > 127 ? " (only ASCII operators and whitespace; write >= not ≥)" : "");
    }
}
