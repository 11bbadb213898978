/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules loader's internals, shared by its files (one per part of a
 * rules file). dx-ruleset-load.c walks the document in order -- bureaus,
 * fields (expressions bind to them), groups and the fund, then policies --
 * and calls dx-load-fields.c, dx-load-fund.c and dx-load-policy.c, which
 * all use the toolkit of dx-loader.c (located errors, key checks, scalars,
 * compiled expressions). None of them calls back up that chain.
 */
#pragma once

#include "duixian/duixian.h"
#include "base/dx-options-private.h"
#include "expr/dx-expr-private.h"
#include "rules/dx-ruleset-private.h"
#include "rules/dx-yaml-private.h"

/* One load in progress: the ruleset being filled and where errors go. */
typedef struct {
    DxRuleset *rs;
    const char *file;
    const char *data;       /* the source text, for mapping expression columns */
    gsize len;
    DxLoadOptions opts;
    GError **error;
    guint format;           /* 1 or 2 (§9) */
    gboolean rank_allowed;  /* compiling the award or cap of a ranked policy (§12) */
} DxLoader;

/* ---- dx-loader.c: errors, keys, scalars and expressions ---- */

G_GNUC_INTERNAL gboolean dx_load_fail(DxLoader *l, const DxYamlNode *at, const char *path, DxError code,
                                      const char *fmt, ...) G_GNUC_PRINTF(5, 6);
G_GNUC_INTERNAL gboolean dx_load_expect_kind(DxLoader *l, const DxYamlNode *n, const char *path, DxYamlKind kind);
G_GNUC_INTERNAL gboolean dx_load_check_keys(DxLoader *l, const DxYamlNode *map, const char *path,
                                            const char *const *allowed, const char *const *required);
/* §9: in a duixian/1 file, a key of @v2_keys or @unsupported is an error
 * saying it needs format 2; in a duixian/2 file a key of @unsupported
 * (§13/§14, not implemented) is an error saying so. Either list may be NULL. */
G_GNUC_INTERNAL gboolean dx_load_check_format_keys(DxLoader *l, const DxYamlNode *map, const char *path,
                                                   const char *const *v2_keys, const char *const *unsupported);
G_GNUC_INTERNAL char *dx_load_path_join(const char *path, const char *key);
G_GNUC_INTERNAL gboolean dx_load_check_key_name(DxLoader *l, const DxYamlNode *key, const char *path,
                                                const char *what);
G_GNUC_INTERNAL const DxFieldRef *dx_loader_lookup_field(const char *name, gpointer user_data);
/* dx_expr_check() with the loader's names: fields, parameters, received keys, rank. */
G_GNUC_INTERNAL gboolean dx_load_check_expr(DxLoader *l, DxExprNode *node, DxType expect, GError **error);
G_GNUC_INTERNAL gboolean dx_load_expr_fail(DxLoader *l, const DxYamlNode *scalar, const char *path,
                                           GError *expr_error);
G_GNUC_INTERNAL DxExprNode *dx_load_compile_expr(DxLoader *l, const DxYamlNode *scalar, const char *path,
                                                 DxType expect);
G_GNUC_INTERNAL void dx_load_collect_slots(const DxExprNode *node, guint **out, guint *n_out);
G_GNUC_INTERNAL gboolean dx_load_eval_constant(DxLoader *l, const DxYamlNode *scalar, const char *path, DxType type,
                                               DxValue *out);
G_GNUC_INTERNAL gboolean dx_load_const_money(DxLoader *l, const DxYamlNode *scalar, const char *path, int64_t min_fen,
                                             int64_t *out);
G_GNUC_INTERNAL gboolean dx_load_parse_bool(DxLoader *l, const DxYamlNode *scalar, const char *path, gboolean *out);
G_GNUC_INTERNAL gboolean dx_load_parse_text(DxLoader *l, const DxYamlNode *map, const char *key, const char *path,
                                            char **out);
G_GNUC_INTERNAL gboolean dx_load_parse_period(DxLoader *l, const DxYamlNode *n, const char *path, gboolean both,
                                              gboolean *has_from, gint32 *from, gboolean *has_to, gint32 *to);

/* ---- dx-load-fields.c: bureaus and fields ---- */

G_GNUC_INTERNAL gboolean dx_load_bureaus(DxLoader *l, const DxYamlNode *n);
G_GNUC_INTERNAL gint dx_load_find_bureau(const DxRuleset *rs, const char *key);
G_GNUC_INTERNAL gboolean dx_load_fields(DxLoader *l, const DxYamlNode *n);
/* §10: top-level params (after fields: names must differ from theirs). */
G_GNUC_INTERNAL gboolean dx_load_params(DxLoader *l, const DxYamlNode *n);

/* The parameter value @i of @p from its parsed literal @node (@text as
 * written); FALSE with the error code and message in @code and @why. */
G_GNUC_INTERNAL gboolean dx_load_param_value_from_node(DxParam *p, const DxExprNode *node, const char *text, guint i,
                                                       DxError *code, char **why);

/* ---- dx-load-overrides.c: what-if settings (--set) ---- */
/* After params: each setting naming a parameter gives it one value. */
G_GNUC_INTERNAL gboolean dx_load_apply_param_overrides(DxLoader *l);
/* After the fund: each envelope.KEY setting gives that envelope its total. */
G_GNUC_INTERNAL gboolean dx_load_apply_envelope_overrides(DxLoader *l);
/* At the end: a setting that named nothing is an error. */
G_GNUC_INTERNAL gboolean dx_load_check_overrides_used(DxLoader *l);

/* ---- dx-load-fund.c: groups and the fund ---- */

G_GNUC_INTERNAL gboolean dx_load_groups(DxLoader *l, const DxYamlNode *n);
G_GNUC_INTERNAL gint dx_load_find_group(const DxRuleset *rs, const char *key);
G_GNUC_INTERNAL gboolean dx_load_fund(DxLoader *l, const DxYamlNode *n);

/* ---- dx-load-policy.c: policies ---- */

G_GNUC_INTERNAL gboolean dx_load_policies(DxLoader *l, const DxYamlNode *n);

/* ---- dx-load-installments.c: clauses, installments, commitments ---- */

/* Named clauses "- name: bool expression" at @path into a new array
 * (*out, *n_out, owned by the policy); @where names the list in the
 * duplicate-name error; @non_empty: an empty list is an error. */
G_GNUC_INTERNAL gboolean dx_load_clauses(DxLoader *l, const DxYamlNode *n, const char *path, const char *where,
                                         gboolean non_empty, DxClause **out, guint *n_out);
/* §5.2 and §13: the installments list, requires and on_fail included. */
G_GNUC_INTERNAL gboolean dx_load_installments(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path);
/* §14: commitment {months, keep, refund}. */
G_GNUC_INTERNAL gboolean dx_load_commitment(DxLoader *l, DxPolicy *pol, const DxYamlNode *n, const char *path);

/* ---- dx-lint.c: warnings about a file that loaded ---- */

/* Appends to l->rs->warnings what the loaded file says that is almost
 * certainly not meant (docs/rules.md, "Warnings"); @root is its tree. */
G_GNUC_INTERNAL void dx_ruleset_lint(DxLoader *l, const DxYamlNode *root);
