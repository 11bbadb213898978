/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The compiled ruleset. dx-ruleset-load.c builds it from a YAML tree;
 * after that nothing changes (it is sealed), so evaluation on many threads
 * may share it. Every array is owned by the ruleset; expression trees are
 * owned by their policy or clause.
 *
 * Slots: every field, built-ins first (DX_SLOT_*), then the declared
 * fields in file order, has a slot index; applications store one value per
 * slot and expressions read slots, never names.
 */
#pragma once

#include "duixian/dx-types.h"
#include "expr/dx-expr-private.h"

enum {
    DX_SLOT_APP_ID = 0,
    DX_SLOT_ENTERPRISE_ID = 1,
    DX_SLOT_ENTERPRISE_NAME = 2,
    DX_SLOT_POLICY = 3,
    DX_SLOT_SUBMITTED_ON = 4,
    DX_N_BUILTIN_SLOTS = 5,
};

typedef struct {
    char *name;
    char *label;            /* defaults to the name */
    DxFieldType type;
    char **aliases;         /* NULL-terminated, may be empty */
    gboolean builtin;
    gboolean has_default;
    DxValue default_value;  /* text points into default_text */
    char *default_text;
    DxFieldRef ref;         /* what expressions bind to */
    /* format 2 (§9): bounds, written like a data cell of the field's type */
    gboolean has_min, has_max;
    DxValue min_value, max_value;
    char *default_bad;      /* (nullable) the invalid_field sentence when the default is out of bounds */
} DxField;

typedef enum {
    DX_AWARD_FIXED = 0,
    DX_AWARD_TABLE,
    DX_AWARD_RATE,
    DX_AWARD_PER,
    DX_AWARD_MARGINAL,
    DX_AWARD_FORMULA,
} DxAwardForm;

typedef struct {
    char *name;
    DxExprNode *expr;
    guint *slots;           /* fields the clause reads, in order of first use */
    guint n_slots;
} DxClause;

typedef enum {
    DX_TIMING_APPROVAL = 0,
    DX_TIMING_DATE,
    DX_TIMING_AFTER_MONTHS,
} DxTiming;

typedef struct {
    DxRat share;            /* share form; else 0 */
    int64_t amount_fen;     /* amount form; 0 with rest */
    gboolean rest;
    DxTiming timing;
    gint32 date;            /* DX_TIMING_DATE */
    int months;             /* DX_TIMING_AFTER_MONTHS */
    /* format 2 (§13): checked when a payment run reaches the line */
    DxClause *requires;     /* may be empty */
    guint n_requires;
    gboolean forfeit_rest;  /* on_fail: forfeit_rest; else forfeit (this line only) */
} DxInstallment;

/* format 2 (§14): what the enterprise keeps doing for `months` after approval */
typedef struct {
    int months;             /* > 0 */
    DxClause *keep;         /* never empty */
    guint n_keep;
    gboolean pro_rata;      /* refund: pro_rata; else paid */
} DxCommitment;

typedef enum {
    DX_GROUP_HIGHEST = 0,
    DX_GROUP_STACK = 1,
} DxGroupMode;

typedef struct {
    char *key;
    char *name;
    DxGroupMode mode;
    gboolean has_cap;
    int64_t cap_fen;
} DxGroup;

typedef struct {
    char *key;
    char *name;
    gint envelope;          /* index into envelopes */
} DxBureau;

typedef struct {
    char *key;              /* a bureau key, or "*" for the single envelope */
    int64_t total_fen;
} DxEnvelope;

typedef enum {
    DX_SHORTFALL_PRO_RATA = 0,
    DX_SHORTFALL_PRIORITY = 1,
    DX_SHORTFALL_FCFS = 2,
} DxShortfall;

/* §10: an effective-dated parameter; `ref` points into dates/values. */
typedef struct {
    char *name;
    char *label;            /* defaults to the name */
    DxFieldType ftype;
    gint32 *dates;          /* strictly increasing */
    DxValue *values;        /* text values point into texts[i] */
    char **texts;           /* NULL-terminated owned copies (text parameters), may be empty */
    guint n_values;
    DxParamRef ref;
    gboolean overridden;    /* set by a what-if setting (--set): one value for every date */
} DxParam;

/* §11: a key that received() or received_group() reads. */
typedef struct {
    char *key;              /* a policy id, or a group key */
    gboolean group;
} DxReceivedKey;

typedef struct {
    char *id;
    char *name;
    guint bureau;           /* index into bureaus */
    char *basis;
    gboolean has_from, has_to;
    gint32 window_from, window_to;
    DxClause *clauses;
    guint n_clauses;
    /* The matching prefilter (dx_decide_policy()): the clauses that can
     * never fail (dx_expr_cannot_fail()), those on one field first, and the
     * clauses that can. In matching mode a false prefilter clause decides
     * "no match" once the others are known not to fail, so the rest are not
     * evaluated. n_pre is 0 when the prefilter is off or has nothing. */
    guint *pre;
    guint n_pre;
    guint *risky;
    guint n_risky;
    DxAwardForm form;
    DxExprNode *award;      /* money; the whole form compiled to one tree */
    DxExprNode *award_base; /* borrowed: the form's X (table/rate/per/marginal), for explanations */
    guint *award_slots;
    guint n_award_slots;
    DxExprNode *cap;        /* nullable money expression */
    guint *cap_slots;
    guint n_cap_slots;
    DxRat fund_share;       /* (0, 1]; 1 when not given */
    gint group;             /* index into groups, or -1 */
    gboolean once;
    gboolean has_enterprise_cap;
    int64_t enterprise_cap_fen;
    gint64 priority;
    DxInstallment *installments; /* never empty: default one at approval */
    guint n_installments;
    gboolean installments_by_share;
    DxCommitment *commitment;     /* (nullable) §14 */
    /* format 2 */
    gboolean params_on_approval;  /* §10: parameters read at the round's approval date */
    gboolean uses_received;       /* §11: some expression reads received() */
    gboolean ranked;              /* §12 */
    DxExprNode *rank_by;
    guint *rank_by_slots;
    guint n_rank_by_slots;
    gint64 rank_top;
    gboolean rank_asc;
    char *rank_label;             /* rank.label, else the source text of rank.by */
    /* Decided in the batch-wide pass, not as the row is read: what it reads
     * (received, the approval date, its place) is known only then. */
    gboolean deferred;
    guint *kept_slots;            /* deferred: every field the policy reads, ascending (kept per decision) */
    guint n_kept_slots;
} DxPolicy;

struct _DxRuleset {
    gint ref_count;         /* g_atomic_int_* only */
    guint format;           /* 1 or 2: `format: duixian/N` */
    gboolean has_bad_defaults; /* some field's default is outside its bounds (DxField.default_bad) */
    char *source_name;      /* file path or the name given for a buffer */
    char *sha256;           /* of the ruleset text, hex */

    char *fund_id;
    char *fund_name;
    int64_t fund_total_fen;
    gint32 period_from, period_to;
    DxEnvelope *envelopes;
    guint n_envelopes;
    gboolean has_fund_enterprise_cap;
    int64_t fund_enterprise_cap_fen;
    DxShortfall shortfall;

    DxBureau *bureaus;
    guint n_bureaus;
    DxField *fields;        /* slot order */
    guint n_fields;
    GHashTable *field_by_name;    /* name -> DxField*, for expressions */
    GHashTable *field_by_column;  /* name or alias -> DxField*, for input columns */
    DxGroup *groups;
    guint n_groups;
    DxPolicy *policies;
    guint n_policies;
    GHashTable *policy_by_id;     /* id -> GUINT_TO_POINTER(index + 1) */
    DxParam *params;              /* §10, file order */
    guint n_params;
    DxReceivedKey *received_keys; /* §11, in order of first use */
    guint n_received_keys;
    gboolean has_deferred;        /* some policy is deferred */
    GPtrArray *overrides;         /* (owned) (nullable) what-if settings applied, "NAME=VALUE" */
    DxValue *defaults;            /* per slot: the field's default value ... */
    guint8 *has_default;          /* ... where this is nonzero (for DxEvalCtx) */
    GPtrArray *warnings;          /* (nullable) lint lines, dx-lint.c; NULL when there are none */
};

G_GNUC_INTERNAL DxRuleset *dx_ruleset_new_empty(const char *source_name);
/* Builds @self from the document text; errors are "file:line:col: path: msg". */
G_GNUC_INTERNAL gboolean dx_ruleset_load_yaml(DxRuleset *self, const char *data, gsize len,
                                              const DxLoadOptions *options, GError **error);
/* Index of policy @id, or -1. */
G_GNUC_INTERNAL gint dx_ruleset_find_policy(const DxRuleset *self, const char *id);
G_GNUC_INTERNAL const DxField *dx_ruleset_find_column(const DxRuleset *self, const char *column);
