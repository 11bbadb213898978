/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The expression parser (docs/rules.md §3): recursive descent, one function per
 * precedence level, lowest first:
 *   or  <  and  <  not  <  comparison / in (non-chaining)  <  + -  <  * /
 *   <  unary -  <  primary
 * Recursion is bounded by DxExprLimits.max_depth, so a hostile
 * "((((((..." fails with DX_ERROR_LIMIT instead of exhausting the stack.
 * The parser builds an untyped tree; names and types are bound later by
 * dx-expr-check.c. On error the partial tree is freed and NULL returned.
 */
#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "expr/dx-expr-private.h"

#include <string.h>

typedef struct {
    DxLexer lx;
    DxToken tok;          /* current token; tok.text owned here */
    guint depth;
    DxExprLimits limits;
    GError **error;
    gboolean failed;
} DxParser;

static DxExprNode *parse_or(DxParser *p);

static DxExprNode *
parser_fail(DxParser *p, guint32 col, DxError code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static DxExprNode *
parser_fail(DxParser *p, guint32 col, DxError code, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    if (p->failed)
        return NULL;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(p->error, DX_ERROR, code, "col %u: %s", col, msg);
    p->failed = TRUE;
    return NULL;
}

static gboolean
parser_advance(DxParser *p)
{
    g_clear_pointer(&p->tok.text, g_free);
    if (!dx_lexer_next(&p->lx, &p->tok, p->error)) {
        p->failed = TRUE;
        return FALSE;
    }
    return TRUE;
}

static const char *
token_describe(const DxToken *t)
{
    switch (t->kind) {
    case DX_TOK_EOF: return "end of expression";
    case DX_TOK_NUMBER: return "a number";
    case DX_TOK_STRING: return "a string";
    case DX_TOK_DATE: return "a date";
    case DX_TOK_IDENT: return "a name";
    case DX_TOK_RPAREN: return "“)”";
    case DX_TOK_RBRACKET: return "“]”";
    case DX_TOK_COMMA: return "“,”";
    default: return "an operator";
    }
}

static gboolean
parser_enter(DxParser *p)
{
    if (++p->depth > p->limits.max_depth) {
        parser_fail(p, p->tok.col, DX_ERROR_LIMIT, "expression nested more than %u levels",
                    p->limits.max_depth);
        return FALSE;
    }
    return TRUE;
}

/* Each operator of a chain like "a + b + c" deepens the left-leaning tree
 * that checking, evaluation and freeing recurse over, so it counts as a
 * level too: a 64 KiB "1+1+...+1" must fail with DX_ERROR_LIMIT, not
 * overflow the stack later. The caller subtracts *chain when its loop ends. */
static gboolean
parser_chain(DxParser *p, guint *chain)
{
    (*chain)++;
    return parser_enter(p);
}

static DxExprNode *
parser_binary(DxNodeKind kind, const DxToken *at, DxExprNode *lhs, DxExprNode *rhs)
{
    DxExprNode *n = dx_expr_node_new(kind, at->offset, at->col);

    /* the node reports at its operator, which is where type errors point */
    dx_expr_node_add_child(n, lhs);
    dx_expr_node_add_child(n, rhs);
    return n;
}

/* args -> '(' [ or_expr { ',' or_expr } ] ')'   (current token is '(') */
static gboolean
parse_args(DxParser *p, DxExprNode *call)
{
    if (!parser_advance(p))
        return FALSE;
    if (p->tok.kind == DX_TOK_RPAREN)
        return parser_advance(p);
    for (;;) {
        DxExprNode *arg = parse_or(p);

        if (arg == NULL)
            return FALSE;
        dx_expr_node_add_child(call, arg);
        if (p->tok.kind == DX_TOK_COMMA) {
            if (!parser_advance(p))
                return FALSE;
            continue;
        }
        if (p->tok.kind != DX_TOK_RPAREN) {
            parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX, "expected “,” or “)”, found %s",
                        token_describe(&p->tok));
            return FALSE;
        }
        return parser_advance(p);
    }
}

/* list -> '[' [ or_expr { ',' or_expr } ] ']'   (current token is '[') */
static DxExprNode *
parse_list(DxParser *p)
{
    g_autoptr(DxExprNode) list = dx_expr_node_new(DX_NODE_LIST, p->tok.offset, p->tok.col);

    if (!parser_advance(p))
        return NULL;
    if (p->tok.kind == DX_TOK_RBRACKET) {
        parser_advance(p);
        return p->failed ? NULL : g_steal_pointer(&list);
    }
    for (;;) {
        DxExprNode *item = parse_or(p);

        if (item == NULL)
            return NULL;
        dx_expr_node_add_child(list, item);
        if (p->tok.kind == DX_TOK_COMMA) {
            if (!parser_advance(p))
                return NULL;
            continue;
        }
        if (p->tok.kind != DX_TOK_RBRACKET)
            return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX, "expected “,” or “]”, found %s",
                               token_describe(&p->tok));
        if (!parser_advance(p))
            return NULL;
        return g_steal_pointer(&list);
    }
}

/* primary -> NUMBER | STRING | DATE | true | false | NAME | NAME args
 *          | '(' or_expr ')' | list */
static DxExprNode *
parse_primary(DxParser *p)
{
    g_autoptr(DxExprNode) n = NULL;

    switch (p->tok.kind) {
    case DX_TOK_NUMBER:
    case DX_TOK_DATE:
        n = dx_expr_node_new(DX_NODE_CONST, p->tok.offset, p->tok.col);
        n->value = p->tok.value;
        break;
    case DX_TOK_STRING:
        n = dx_expr_node_new(DX_NODE_CONST, p->tok.offset, p->tok.col);
        n->text_storage = g_steal_pointer(&p->tok.text);
        n->value.type = DX_TYPE_TEXT;
        n->value.u.t.s = n->text_storage;
        n->value.u.t.len = (guint32)strlen(n->text_storage);
        break;
    case DX_TOK_TRUE:
    case DX_TOK_FALSE:
        n = dx_expr_node_new(DX_NODE_CONST, p->tok.offset, p->tok.col);
        n->value.type = DX_TYPE_BOOL;
        n->value.u.b = p->tok.kind == DX_TOK_TRUE;
        break;
    case DX_TOK_IDENT: {
        DxToken name = p->tok;

        p->tok.text = NULL;
        if (!parser_advance(p)) {
            g_free(name.text);
            return NULL;
        }
        if (p->tok.kind == DX_TOK_LPAREN) {
            n = dx_expr_node_new(DX_NODE_CALL, name.offset, name.col);
            n->name = name.text;
            if (!parse_args(p, n))
                return NULL;
        } else {
            n = dx_expr_node_new(DX_NODE_FIELD, name.offset, name.col);
            n->name = name.text;
        }
        return g_steal_pointer(&n);
    }
    case DX_TOK_LPAREN:
        if (!parser_advance(p))
            return NULL;
        n = parse_or(p);
        if (n == NULL)
            return NULL;
        if (p->tok.kind != DX_TOK_RPAREN)
            return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX, "expected “)”, found %s",
                               token_describe(&p->tok));
        break;
    case DX_TOK_LBRACKET:
        return parse_list(p);
    default:
        return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX, "expected a value, found %s",
                           token_describe(&p->tok));
    }
    if (!parser_advance(p))
        return NULL;
    return g_steal_pointer(&n);
}

/* unary -> '-' unary | primary */
static DxExprNode *
parse_unary(DxParser *p)
{
    DxExprNode *n;

    if (!parser_enter(p))
        return NULL;
    if (p->tok.kind == DX_TOK_MINUS) {
        DxToken at = p->tok;
        DxExprNode *operand;

        if (!parser_advance(p))
            return NULL;
        operand = parse_unary(p);
        if (operand == NULL)
            return NULL;
        /* fold "-literal" so constant rows like [-1, 5%] stay constants */
        if (operand->kind == DX_NODE_CONST &&
            (operand->value.type == DX_TYPE_NUMBER || operand->value.type == DX_TYPE_MONEY)) {
            dx_rat_neg(operand->value.u.r, &operand->value.u.r);
            operand->offset = at.offset;
            operand->col = at.col;
            n = operand;
        } else {
            n = dx_expr_node_new(DX_NODE_NEG, at.offset, at.col);
            dx_expr_node_add_child(n, operand);
        }
    } else {
        n = parse_primary(p);
    }
    p->depth--;
    return n;
}

/* mul -> unary { ('*' | '/') unary } */
static DxExprNode *
parse_mul(DxParser *p)
{
    g_autoptr(DxExprNode) lhs = parse_unary(p);
    guint chain = 0;

    while (lhs != NULL && (p->tok.kind == DX_TOK_STAR || p->tok.kind == DX_TOK_SLASH)) {
        DxToken at = p->tok;
        DxExprNode *rhs;

        if (!parser_chain(p, &chain) || !parser_advance(p) || (rhs = parse_unary(p)) == NULL)
            return NULL;
        lhs = parser_binary(at.kind == DX_TOK_STAR ? DX_NODE_MUL : DX_NODE_DIV, &at,
                            g_steal_pointer(&lhs), rhs);
    }
    p->depth -= chain;
    return g_steal_pointer(&lhs);
}

/* add -> mul { ('+' | '-') mul } */
static DxExprNode *
parse_add(DxParser *p)
{
    g_autoptr(DxExprNode) lhs = parse_mul(p);
    guint chain = 0;

    while (lhs != NULL && (p->tok.kind == DX_TOK_PLUS || p->tok.kind == DX_TOK_MINUS)) {
        DxToken at = p->tok;
        DxExprNode *rhs;

        if (!parser_chain(p, &chain) || !parser_advance(p) || (rhs = parse_mul(p)) == NULL)
            return NULL;
        lhs = parser_binary(at.kind == DX_TOK_PLUS ? DX_NODE_ADD : DX_NODE_SUB, &at,
                            g_steal_pointer(&lhs), rhs);
    }
    p->depth -= chain;
    return g_steal_pointer(&lhs);
}

static gboolean
token_comparison(DxTokenKind k, DxNodeKind *out)
{
    switch (k) {
    case DX_TOK_EQ: *out = DX_NODE_EQ; return TRUE;
    case DX_TOK_NE: *out = DX_NODE_NE; return TRUE;
    case DX_TOK_LT: *out = DX_NODE_LT; return TRUE;
    case DX_TOK_LE: *out = DX_NODE_LE; return TRUE;
    case DX_TOK_GT: *out = DX_NODE_GT; return TRUE;
    case DX_TOK_GE: *out = DX_NODE_GE; return TRUE;
    default: return FALSE;
    }
}

/* cmp -> add [ cmpop add | 'in' list | 'not' 'in' list ]   (no chaining) */
static DxExprNode *
parse_cmp(DxParser *p)
{
    g_autoptr(DxExprNode) lhs = parse_add(p);
    DxNodeKind kind;
    DxToken at;
    DxExprNode *rhs;

    if (lhs == NULL)
        return NULL;
    at = p->tok;
    if (token_comparison(p->tok.kind, &kind)) {
        if (!parser_advance(p) || (rhs = parse_add(p)) == NULL)
            return NULL;
    } else if (p->tok.kind == DX_TOK_IN || p->tok.kind == DX_TOK_NOT) {
        kind = p->tok.kind == DX_TOK_IN ? DX_NODE_IN : DX_NODE_NOT_IN;
        if (!parser_advance(p))
            return NULL;
        if (kind == DX_NODE_NOT_IN) {
            if (p->tok.kind != DX_TOK_IN)
                return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX,
                                   "expected “in” after “not”, found %s", token_describe(&p->tok));
            if (!parser_advance(p))
                return NULL;
        }
        if (p->tok.kind != DX_TOK_LBRACKET)
            return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX,
                               "the right side of “in” must be a list literal [..]");
        if ((rhs = parse_list(p)) == NULL)
            return NULL;
    } else {
        return g_steal_pointer(&lhs);
    }
    lhs = parser_binary(kind, &at, g_steal_pointer(&lhs), rhs);
    if (token_comparison(p->tok.kind, &kind) || p->tok.kind == DX_TOK_IN)
        return parser_fail(p, p->tok.col, DX_ERROR_EXPR_SYNTAX,
                           "comparisons do not chain; join them with “and”");
    return g_steal_pointer(&lhs);
}

/* not -> 'not' not | cmp */
static DxExprNode *
parse_not(DxParser *p)
{
    DxExprNode *n, *operand;
    DxToken at = p->tok;

    if (p->tok.kind != DX_TOK_NOT)
        return parse_cmp(p);
    if (!parser_enter(p) || !parser_advance(p))
        return NULL;
    operand = parse_not(p);
    if (operand == NULL)
        return NULL;
    n = dx_expr_node_new(DX_NODE_NOT, at.offset, at.col);
    dx_expr_node_add_child(n, operand);
    p->depth--;
    return n;
}

/* and -> not { 'and' not } */
static DxExprNode *
parse_and(DxParser *p)
{
    g_autoptr(DxExprNode) lhs = parse_not(p);
    guint chain = 0;

    while (lhs != NULL && p->tok.kind == DX_TOK_AND) {
        DxToken at = p->tok;
        DxExprNode *rhs;

        if (!parser_chain(p, &chain) || !parser_advance(p) || (rhs = parse_not(p)) == NULL)
            return NULL;
        lhs = parser_binary(DX_NODE_AND, &at, g_steal_pointer(&lhs), rhs);
    }
    p->depth -= chain;
    return g_steal_pointer(&lhs);
}

/* or -> and { 'or' and } */
static DxExprNode *
parse_or(DxParser *p)
{
    g_autoptr(DxExprNode) lhs = NULL;
    guint chain = 0;

    if (!parser_enter(p))
        return NULL;
    lhs = parse_and(p);
    while (lhs != NULL && p->tok.kind == DX_TOK_OR) {
        DxToken at = p->tok;
        DxExprNode *rhs;

        if (!parser_chain(p, &chain) || !parser_advance(p) || (rhs = parse_and(p)) == NULL)
            return NULL;
        lhs = parser_binary(DX_NODE_OR, &at, g_steal_pointer(&lhs), rhs);
    }
    p->depth -= chain + 1;
    return g_steal_pointer(&lhs);
}

DxExprNode *
dx_expr_parse(const char *src, gssize len, const DxExprLimits *limits, GError **error)
{
    DxParser p = { 0 };
    g_autoptr(DxExprNode) root = NULL;
    gsize n;

    g_return_val_if_fail(src != NULL, NULL);
    n = len < 0 ? strlen(src) : (gsize)len;
    p.limits.max_depth = limits != NULL ? limits->max_depth : DX_EXPR_DEFAULT_MAX_DEPTH;
    p.limits.max_length = limits != NULL ? limits->max_length : DX_EXPR_DEFAULT_MAX_LENGTH;
    p.error = error;
    if (n > p.limits.max_length) {
        g_set_error(error, DX_ERROR, DX_ERROR_LIMIT, "col 1: expression longer than %" G_GSIZE_FORMAT " bytes",
                    p.limits.max_length);
        return NULL;
    }
    if (!g_utf8_validate(src, (gssize)n, NULL) || memchr(src, '\0', n) != NULL) {
        g_set_error_literal(error, DX_ERROR, DX_ERROR_EXPR_SYNTAX, "col 1: expression is not valid UTF-8 text");
        return NULL;
    }
    dx_lexer_init(&p.lx, src, n);
    if (parser_advance(&p)) {
        if (p.tok.kind == DX_TOK_EOF)
            parser_fail(&p, p.tok.col, DX_ERROR_EXPR_SYNTAX, "empty expression");
        else
            root = parse_or(&p);
        if (root != NULL && p.tok.kind != DX_TOK_EOF)
            parser_fail(&p, p.tok.col, DX_ERROR_EXPR_SYNTAX, "unexpected %s after the expression",
                        token_describe(&p.tok));
    }
    g_free(p.tok.text);
    if (p.failed)
        return NULL;
    return g_steal_pointer(&root);
}
