/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Decision records. A DxDecisionList owns flat arrays of decisions and
 * reasons and one string chunk for the texts they keep (app and
 * enterprise ids, the few formatted details of failures), so a batch of a
 * million applications costs a few allocations that grow geometrically,
 * not a million small ones. A decision's reasons are contiguous in the
 * reasons array, in step order.
 *
 * Lifecycle: the batch appends while reading (status may be the internal
 * DX_STATUS_PENDING: an award was computed, batch-wide steps still to
 * come); dx_batch_decide() (or a round) applies the batch-wide steps,
 * settles every status, sorts into output order and seals the list.
 */
#pragma once

#include "duixian/dx-types.h"
#include "base/dx-money-private.h"
#include "rules/dx-ruleset-private.h"
#include "input/dx-prior-private.h"

/* Internal: award computed, batch-wide steps not yet applied. Never
 * visible outside the library. */
#define DX_STATUS_PENDING ((DxStatus)100)
/* Internal, format 2: a decision of a deferred policy (DxPolicy.deferred)
 * past its window, decided in the batch-wide pass; and one that passed its
 * clauses and waits for its place (§12 step 3a). */
#define DX_STATUS_DEFERRED ((DxStatus)101)
#define DX_STATUS_RANK_CANDIDATE ((DxStatus)102)
/* Internal reason of a DEFERRED decision: a = first kept value of the
 * application's slots (type NONE where missing), b = their count. Never
 * visible outside the library: the batch-wide pass replaces it. */
#define DX_REASON_SNAPSHOT ((DxReasonCode)250)

/* 32 bytes: a batch of rejections holds about one per application. */
typedef struct {
    guint32 code : 8;       /* DxReasonCode */
    gint32 index : 24;      /* clause index, field slot, group index; -1 award, -2 cap;
                             * award_<form> and award_zero: the place (§12), 0 unranked
                             * (a ruleset has fewer than 2^23 of each: its YAML
                             * document has at most DX_YAML_DEFAULT_MAX_NODES nodes) */
    guint32 text;           /* the detail: 0 none, else 1 + its index in list->texts
                             * (dx_reason_get_text / dx_reason_set_text) */
    int64_t a, b, c;        /* amounts in fen (see dx-explain.c for each code);
                             * clause_failed: a = first index in list->values, b = count */
} DxReason;

G_STATIC_ASSERT(sizeof(DxReason) == 32);

struct _DxDecision {
    /* 104 bytes: a batch holds one per decision */
    const DxDecisionList *list;   /* set when the list is sealed */
    const char *app_id;           /* in the list's chunk; "" if none */
    const char *enterprise_id;    /* "" if none */
    const char *policy_text;      /* the policy named by the row, "" if none */
    gint32 policy;                /* index, or -1 */
    gint32 submitted_on;          /* days; valid when the row had one */
    guint32 enterprise;           /* interned index, set by the batch-wide steps */
    guint32 reason_first;
    guint8 status;                /* DxStatus, or DX_STATUS_PENDING */
    guint8 matching : 1;          /* from an application without `policy` */
    guint8 clauses_ok : 1;        /* passed window and clauses (true or unknown) */
    guint8 dropped : 1;           /* removed before output (matching + once_only, duplicates' extras) */
    guint8 computed : 1;          /* settled with an award: computed_fen = award_fen × fund_share,
                                   * made when asked (dx_decision_computed_fen()), not stored */
    guint32 n_reasons;
    guint64 row;                  /* source line */
    guint64 seq;                  /* input order of the row */
    int64_t award_fen;            /* step 4, rounded, before fund_share; 0 if none */
    int64_t amount_fen;           /* after steps 5-8 so far, before fund_share */
    int64_t granted_fen;
    int64_t charged_fen;          /* step 8: amount × fund_share (a round's request) */
};

G_STATIC_ASSERT(sizeof(struct _DxDecision) == 104);

/* One actual value behind a failed clause, packed to half a DxValue: a
 * batch of a million rejections keeps a million of these. A rational
 * whose terms do not both fit in 64 bits is kept whole in the list's
 * `big` array and referred to by index (`big` set). */
typedef struct {
    guint8 type;                  /* DxType */
    guint8 elem;
    guint8 big;
    guint32 len;                  /* TEXT */
    union {
        gint64 q[2];              /* NUMBER, MONEY: num, den */
        gint64 index;             /* big: index into list->big */
        gboolean b;
        gint32 date;
        const char *s;            /* TEXT, in the list's chunk */
    } u;
} DxKeptValue;

struct _DxDecisionList {
    gint ref_count;
    DxRuleset *rs;                /* (owned ref) */
    GArray *decisions;            /* DxDecision */
    GArray *reasons;              /* DxReason */
    GStringChunk *strings;
    gsize chunk_size;             /* of strings */
    GPtrArray *adopted;           /* (nullable) GStringChunk*: merged lists' strings (dx_decision_list_adopt) */
    GArray *values;               /* DxKeptValue: the actual values behind failed clauses */
    GPtrArray *texts;             /* const char*: reasons' details (static, the ruleset's or in strings) */
    GArray *big;                  /* DxRat: kept values too large to pack */
    gboolean sealed;
    gint32 approval_day;          /* format 2: the round's, for explaining params_on: approval; 0 none */
};

/* Appends @v to @list->values (text copied into the list's chunk). */
G_GNUC_INTERNAL void dx_decision_list_keep_value(DxDecisionList *list, const DxValue *v);
/* Kept values [@first, @first + @n) unpacked into @out. */
G_GNUC_INTERNAL void dx_decision_list_get_values(const DxDecisionList *list, guint first, guint n, DxValue *out);
/* Kept values [@first, @first + @n) unpacked into a new array (g_free). */
G_GNUC_INTERNAL DxValue *dx_decision_list_dup_values(const DxDecisionList *list, guint first, guint n);

/* How a failed clause is explained (dx-explain.c), by the shape of its tree:
 * DX_CLAUSE_COMPARE   <field> <op> <x>: values = the field's, then x's (unless x is a list
 *                     or a constant, which are read from the tree)
 * DX_CLAUSE_FLAG      <field> or not <field>: no values (failed: it was the opposite)
 * DX_CLAUSE_GENERIC   anything else: values = one per field the clause reads
 *                     (type DX_TYPE_NONE where the field is missing) */
typedef enum {
    DX_CLAUSE_COMPARE = 1,
    DX_CLAUSE_FLAG = 2,
    DX_CLAUSE_GENERIC = 3,
} DxClauseShape;

G_GNUC_INTERNAL DxClauseShape dx_clause_shape(const DxClause *c);

/* The values a failed clause's sentence shows (dx_explain_clause_values()
 * reads them in this order), each passed to @keep: the compared value and
 * a computed right side; nothing for a flag; every field read otherwise
 * (DX_TYPE_NONE when missing). Text values borrow the context's slots. */
typedef void (*DxClauseKeepFunc)(gpointer user_data, const DxValue *v);
G_GNUC_INTERNAL void dx_clause_read_values(const DxClause *c, DxEvalCtx *ctx, DxClauseKeepFunc keep,
                                           gpointer user_data);

G_GNUC_INTERNAL DxDecisionList *dx_decision_list_new(DxRuleset *rs);
/* A list for a worker's block: small first allocations, since its records
 * move into the batch's list and its strings are adopted by it. */
G_GNUC_INTERNAL DxDecisionList *dx_decision_list_new_small(DxRuleset *rs);
/* Appends @from's decisions, reasons and values to @to as if they had been
 * decided there (indices shifted), and takes over @from's strings, which
 * the records point at, instead of copying them. @from is left empty,
 * with its arrays' room, for reuse. */
G_GNUC_INTERNAL void dx_decision_list_adopt(DxDecisionList *to, DxDecisionList *from);
/* Appends an empty decision and returns it (valid until the next append). */
G_GNUC_INTERNAL DxDecision *dx_decision_list_append(DxDecisionList *list);
/* Appends a reason to @d; moves @d's reasons to the end first if others
 * were appended since, so a decision's reasons stay contiguous. */
G_GNUC_INTERNAL DxReason *dx_decision_add_reason(DxDecisionList *list, DxDecision *d, DxReasonCode code);
/* Replaces @d's reasons by nothing. */
G_GNUC_INTERNAL void dx_decision_clear_reasons(DxDecision *d);
/* A reason's detail text (NULL if none); setting one keeps the pointer,
 * which must live as long as the list (static, the ruleset's, or interned). */
static inline const char *
dx_reason_get_text(const DxDecisionList *list, const DxReason *r)
{
    return r->text != 0 ? g_ptr_array_index(list->texts, r->text - 1) : NULL;
}
G_GNUC_INTERNAL void dx_reason_set_text(DxDecisionList *list, DxReason *r, const char *text);
G_GNUC_INTERNAL const char *dx_decision_list_intern(DxDecisionList *list, const char *s, gssize len);
/* Sorts into output order (app_id, policy id, input order), drops dropped
 * decisions, sets back pointers and seals. */
G_GNUC_INTERNAL void dx_decision_list_seal(DxDecisionList *list);

/* ---- steps (dx-decide.c) ---- */

/* Scratch space for deciding one application without allocating. */
typedef struct {
    const DxValue *slots;         /* the application's, borrowed for one call */
    const guint8 *present;
    guint *missing;               /* missing slots of one decision, deduplicated */
    guint n_missing;
} DxDecideScratch;

G_GNUC_INTERNAL void dx_decide_scratch_init(DxDecideScratch *s, const DxRuleset *rs);
G_GNUC_INTERNAL void dx_decide_scratch_clear(DxDecideScratch *s);

/* Steps 1 (cell problems, unknown policy), 2-5 for one application;
 * appends its decisions to @list. @seq is its input order. */
G_GNUC_INTERNAL void dx_decide_application(DxDecisionList *list, const DxApplication *app, guint64 seq,
                                           DxDecideScratch *scratch);

/* What earlier rounds and the history file hold for one enterprise and
 * policy (award units, before fund_share). */
typedef struct {
    int64_t received_fen;         /* under this policy */
    gboolean taken;               /* granted under this policy before (for once) */
} DxPrior;

/* Asks the history/ledger about (enterprise, policy); NULL = nothing prior. */
typedef void (*DxPriorFunc)(const char *enterprise_id, guint policy, DxPrior *out, gpointer user_data);

/* TRUE if an earlier round granted money to @app_id (docs/rules.md §6 step 1). */
typedef gboolean (*DxPaidFunc)(const char *app_id, gpointer user_data);

/* Step 1 duplicates within the batch and against @paid (first row wins), then, per
 * enterprise in canonical order, `once` (step 3) and the policy
 * per-enterprise cap (step 6). Sets d->enterprise. Returns the indices of
 * the decisions that passed their clauses, sorted by (enterprise,
 * canonical order), for the steps that follow (g_free; *n_order set).
 * With @n_order NULL returns NULL, and skips the per-enterprise pass when
 * no policy has `once` or a per-enterprise cap (and @prior is NULL). */
/* What the format-2 batch-wide pass reads (§10-§12): the prior book for
 * received() (NULL: nothing received), the round's approval date (0: none,
 * as for `decide`). */
typedef struct {
    const DxPriorBook *book;
    gint32 approval_day;
} DxDecideEnv;

G_GNUC_INTERNAL guint *dx_decide_batch_steps(DxDecisionList *list, DxPriorFunc prior, DxPaidFunc paid,
                                             gpointer user_data, const DxDecideEnv *env, guint *n_order);

/* Settles statuses after step 6 for `decide` (no round): computed and
 * granted from the amounts, approved/reduced/rejected. */
G_GNUC_INTERNAL void dx_decide_settle(DxDecisionList *list);

/* Canonical order (docs/rules.md §6): priority desc, submitted_on asc, app_id asc,
 * policy id asc, then input order. */
G_GNUC_INTERNAL int dx_decision_cmp_canonical(const DxRuleset *rs, const DxDecision *a, const DxDecision *b);

/* The computed amount (decisions.csv's computed_fen): the award times the
 * policy's fund_share once settled, else 0. */
static inline int64_t
dx_decision_computed_fen(const DxRuleset *rs, const DxDecision *d)
{
    return d->computed ? dx_apply_share(d->award_fen, rs->policies[d->policy].fund_share) : 0;
}
