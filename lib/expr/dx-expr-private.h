/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The expression language of docs/rules.md §3, in four stages with one prefix each:
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
    /* format 2, made by the checker from FIELD and CALL nodes: */
    DX_NODE_PARAM,      /* §10: slot = parameter index; rows = (date, value) in force from each date */
    DX_NODE_RECEIVED,   /* §11: received()/received_group(); slot = index of the key (DxCheckEnv) */
    DX_NODE_RANK,       /* §12: the built-in `rank` of a ranked policy */
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
    /* set by dx_expr_range_analyse() (dx-expr-range.c) */
    gboolean ranged;        /* lo..hi bounds every value the node can take */
    gboolean fast;          /* ADD/SUB/MUL/NEG: the int64 path cannot overflow */
    gint64 lo, hi;
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

/* A parameter (§10) as the checker binds it: its values in force from
 * each date, dates strictly increasing (the arrays are copied into the node). */
typedef struct {
    const char *name;
    guint index;
    DxType type;
    gboolean integer;
    guint n_values;
    const gint32 *dates;
    const DxValue *values;
} DxParamRef;

/* What a format-2 ruleset adds to name binding. */
typedef struct {
    DxFieldLookup lookup;
    gpointer user_data;
    guint format;           /* 1 or 2: received() and parameters need 2 */
    /* (nullable) a parameter by name; NULL if none */
    const DxParamRef *(*param_lookup)(const char *name, gpointer user_data);
    /* (nullable) the index of a received() key (@group: received_group), or -1
     * with *why set when it cannot be used (an undeclared group) */
    gint (*received_key)(const char *key, gboolean group, gpointer user_data, const char **why);
    gboolean rank_allowed;  /* the award or cap of a ranked policy */
} DxCheckEnv;

/* dx_expr_check() with format-2 names (parameters, received, rank). */
G_GNUC_INTERNAL gboolean dx_expr_check_env(DxExprNode *root, DxType expect, const DxCheckEnv *env, GError **error);
/* TRUE if the tree has a node of @kind. */
G_GNUC_INTERNAL gboolean dx_expr_uses(const DxExprNode *node, DxNodeKind kind);

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

/* ---- range analysis (dx-expr-range.c) ---- */
/* Bounds every numeric node of a checked tree from its constants and the
 * type's limits (money within 10^13 元), and marks the arithmetic nodes whose
 * int64 result provably fits. dx_expr_check_env() calls it. */
G_GNUC_INTERNAL void dx_expr_range_analyse(DxExprNode *root);
/* TRUE unless DUIXIAN_EXACT_SLOW=1 was set when first asked (read once):
 * tests run both paths with it. */
G_GNUC_INTERNAL gboolean dx_expr_fast_enabled(void);
/* TRUE if evaluating @node can never give DX_EVAL_ERROR: it is made only
 * of constants, fields, lists, not/and/or, comparisons and in / not in
 * (no arithmetic, call, parameter, received() or rank). Such a clause is
 * true, false or missing, which the matching prefilter relies on. */
G_GNUC_INTERNAL gboolean dx_expr_cannot_fail(const DxExprNode *node);
/* TRUE unless DUIXIAN_PREFILTER_OFF=1 was set when first asked (read
 * once): tests compare the prefiltered answers with the full ones. */
G_GNUC_INTERNAL gboolean dx_expr_prefilter_enabled(void);

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
    DX_EVAL_ERR_NO_PARAM,     /* §10: no value of a parameter before its first date (err_name, ref_date) */
    DX_EVAL_ERR_NO_CONTEXT,   /* received()/rank read where the caller gave none */
} DxEvalError;

typedef struct {
    const DxValue *slots;     /* the application's values, by slot */
    const guint8 *present;    /* per slot: nonzero when the value is there */
    const DxValue *defaults;  /* (nullable) per slot: the value used when missing ... */
    const guint8 *has_default;/* (nullable) ... where this is nonzero */
    DxEvalError err;          /* set on the first DX_EVAL_ERROR */
    guint32 err_col;          /* column of the node that failed */
    /* format 2 */
    gint32 ref_date;          /* §10: the date parameters are read at; 0: none */
    const int64_t *received;  /* (nullable) §11: fen per received key, for this enterprise */
    gint64 rank;              /* §12: the decision's place, 0 when not ranked */
    const char *err_name;     /* DX_EVAL_ERR_NO_PARAM: the parameter (the tree's string) */
} DxEvalCtx;

G_GNUC_INTERNAL DxEvalState dx_expr_eval(const DxExprNode *node, DxEvalCtx *ctx, DxValue *out);
G_GNUC_INTERNAL const char *dx_eval_error_to_string(DxEvalError err);
