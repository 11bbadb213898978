/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The expression language of spec §3, in four stages with one prefix each:
 *   dx-expr-lexer.c   text -> tokens (literals carry exact values)
 *   dx-expr-parser.c  tokens -> DxExprNode tree (precedence climbing)
 *   dx-expr-check.c   names -> field slots, types checked, constant rows
 *   dx-expr-eval.c    tree walk over an application's slots
 * A checked tree is immutable; evaluating it allocates nothing and keeps no
 * state outside the caller's DxEvalCtx, so one tree serves every thread.
 */
#pragma once

#include <glib.h>
#include "base/dx-num-private.h"
#include "base/dx-limits-private.h"
#include "base/dx-value-private.h"


/* ORDER DxNodeKind: dx-expr-ast.c node_names[] follows this order. */
typedef enum {
    DX_NODE_CONST = 0,
    DX_NODE_FIELD,
    DX_NODE_LIST,       /* list literal: children are CONST */
    DX_NODE_NEG,
    DX_NODE_NOT,
    DX_NODE_ADD,
    DX_NODE_SUB,
    DX_NODE_MUL,
    DX_NODE_DIV,
    DX_NODE_EQ,
    DX_NODE_NE,
    DX_NODE_LT,
    DX_NODE_LE,
    DX_NODE_GT,
    DX_NODE_GE,
    DX_NODE_IN,
    DX_NODE_NOT_IN,
    DX_NODE_AND,
    DX_NODE_OR,
    DX_NODE_CALL,       /* name + children; resolved to a DxFunc by the checker */
} DxNodeKind;

/* ORDER DxFunc: dx-expr-check.c func_table[] follows this order. */
typedef enum {
    DX_FUNC_NONE = 0,
    DX_FUNC_MIN,
    DX_FUNC_MAX,
    DX_FUNC_IF,
    DX_FUNC_STEPS,
    DX_FUNC_YEARS_BETWEEN,
    DX_FUNC_MONTHS_BETWEEN,
    DX_FUNC_STARTS_WITH,
    DX_FUNC_TABLE,
    DX_FUNC_MARGINAL,
} DxFunc;

typedef struct _DxExprNode DxExprNode;
struct _DxExprNode {
    DxNodeKind kind;
    DxType type;            /* set by the checker */
    guint32 offset;         /* byte offset of the node's first token */
    guint32 col;            /* 1-based character column of that token */
    char *name;             /* FIELD and CALL: the identifier as written */
    DxValue value;          /* CONST */
    guint slot;             /* FIELD: index into the application's slots */
    DxFunc func;            /* CALL */
    guint n_children;
    DxExprNode **children;
    /* CALL table/marginal: rows copied out of the constant list by the checker */
    guint n_rows;
    DxValue *row_from;
    DxValue *row_value;
    char *text_storage;     /* CONST text: owned copy of the unescaped string */
};


/* ---- lexer ---- */
typedef enum {
    DX_TOK_EOF = 0,
    DX_TOK_NUMBER,    /* value: NUMBER or MONEY */
    DX_TOK_STRING,    /* text: unescaped copy in tok->text */
    DX_TOK_DATE,
    DX_TOK_IDENT,
    DX_TOK_AND, DX_TOK_OR, DX_TOK_NOT, DX_TOK_IN, DX_TOK_TRUE, DX_TOK_FALSE,
    DX_TOK_EQ, DX_TOK_NE, DX_TOK_LT, DX_TOK_LE, DX_TOK_GT, DX_TOK_GE,
    DX_TOK_PLUS, DX_TOK_MINUS, DX_TOK_STAR, DX_TOK_SLASH,
    DX_TOK_LPAREN, DX_TOK_RPAREN, DX_TOK_LBRACKET, DX_TOK_RBRACKET, DX_TOK_COMMA,
} DxTokenKind;

typedef struct {
    DxTokenKind kind;
    guint32 offset, len;    /* bytes in the source */
    guint32 col;            /* 1-based character column */
    DxValue value;          /* NUMBER, DATE */
    char *text;             /* STRING (owned by the lexer until taken), IDENT (owned) */
} DxToken;

typedef struct {
    const char *src;
    gsize len;
    gsize pos;
    guint32 col;            /* column of src[pos] */
} DxLexer;

G_GNUC_INTERNAL void dx_lexer_init(DxLexer *lx, const char *src, gsize len);
/* Reads the next token into @tok (whose old text the caller has freed or
 * taken). FALSE with DX_ERROR_EXPR_SYNTAX "col:N: ..." on a bad token. */
G_GNUC_INTERNAL gboolean dx_lexer_next(DxLexer *lx, DxToken *tok, GError **error);

/* ---- tree ---- */
G_GNUC_INTERNAL DxExprNode *dx_expr_node_new(DxNodeKind kind, guint32 offset, guint32 col);
G_GNUC_INTERNAL void dx_expr_node_add_child(DxExprNode *node, DxExprNode *child_take);
G_GNUC_INTERNAL void dx_expr_node_free(DxExprNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxExprNode, dx_expr_node_free)
/* Canonical s-expression, for tests: "(and (>= x 1亿元) (== d \"a\"))". */
G_GNUC_INTERNAL char *dx_expr_node_to_string(const DxExprNode *node);
/* Text of a value as people read it: money via dx_money_format when whole
 * fen, numbers as decimals or percents (@percent), dates, quoted text. */
G_GNUC_INTERNAL char *dx_value_to_display(const DxValue *v, gboolean percent);
G_GNUC_INTERNAL const char *dx_type_name(DxType t);

/* ---- parser ---- */
/* Parses one expression. Errors (DX_ERROR_EXPR_SYNTAX, DX_ERROR_LIMIT)
 * start "col N: ". */
G_GNUC_INTERNAL DxExprNode *dx_expr_parse(const char *src, gssize len, const DxExprLimits *limits,
                                          GError **error);

/* ---- checker ---- */
typedef struct {
    const char *name;
    guint slot;
    DxType type;            /* expression type (integer fields are NUMBER) */
    gboolean integer;       /* declared `integer` */
} DxFieldRef;

/* Resolves a field name; NULL if unknown. */
typedef const DxFieldRef *(*DxFieldLookup)(const char *name, gpointer user_data);

/* Binds names, checks types against @expect (DX_TYPE_NONE: any), folds
 * constant rows. Errors: DX_ERROR_EXPR_TYPE, DX_ERROR_EXPR_UNKNOWN_FIELD,
 * DX_ERROR_EXPR_SYNTAX (bad function use), each starting "col N: ". */
G_GNUC_INTERNAL gboolean dx_expr_check(DxExprNode *root, DxType expect, DxFieldLookup lookup,
                                       gpointer user_data, GError **error);
/* Appends to @slots (element guint) each field slot @node reads, once, in
 * order of first appearance. */
G_GNUC_INTERNAL void dx_expr_collect_slots(const DxExprNode *node, GArray *slots);
/* TRUE if the checked tree reads no field (so it is a constant). */
G_GNUC_INTERNAL gboolean dx_expr_is_constant(const DxExprNode *node);

/* ---- evaluation ---- */
typedef enum {
    DX_EVAL_OK = 0,
    DX_EVAL_MISSING = 1,
    DX_EVAL_ERROR = 2,
} DxEvalState;

typedef enum {
    DX_EVAL_ERR_NONE = 0,
    DX_EVAL_ERR_DIV_ZERO,
    DX_EVAL_ERR_OVERFLOW,     /* exact result too large, or money beyond 10^13 元 */
    DX_EVAL_ERR_BAD_UNIT,     /* steps() unit <= 0 */
} DxEvalError;

typedef struct {
    const DxValue *slots;     /* the application's values, by slot */
    const guint8 *present;    /* per slot: nonzero when the value is there */
    const DxValue *defaults;  /* (nullable) per slot: the value used when missing ... */
    const guint8 *has_default;/* (nullable) ... where this is nonzero */
    DxEvalError err;          /* set on the first DX_EVAL_ERROR */
    guint32 err_col;          /* column of the node that failed */
} DxEvalCtx;

G_GNUC_INTERNAL DxEvalState dx_expr_eval(const DxExprNode *node, DxEvalCtx *ctx, DxValue *out);
G_GNUC_INTERNAL const char *dx_eval_error_to_string(DxEvalError err);
