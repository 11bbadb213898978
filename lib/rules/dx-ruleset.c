/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxRuleset lifecycle and getters. Loading, public entry points included,
 * lives in dx-ruleset-load.c; this file only owns, frees and reads the
 * sealed structure.
 */
#include "duixian/duixian.h"
#include "base/dx-options-private.h"
#include "rules/dx-ruleset-private.h"
#include "expr/dx-expr-private.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

DxRuleset *
dx_ruleset_new_empty(const char *source_name)
{
    DxRuleset *self = g_new0(DxRuleset, 1);

    self->ref_count = 1;
    self->source_name = g_strdup(source_name);
    self->field_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    self->field_by_column = g_hash_table_new(g_str_hash, g_str_equal);
    self->policy_by_id = g_hash_table_new(g_str_hash, g_str_equal);
    return self;
}

DxRuleset *
dx_ruleset_ref(DxRuleset *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_atomic_int_inc(&self->ref_count);
    return self;
}

static void
ruleset_free_clauses(DxClause *clauses, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_free(clauses[i].name);
        dx_expr_node_free(clauses[i].expr);
        g_free(clauses[i].slots);
    }
    g_free(clauses);
}

static void
ruleset_free_policy(DxPolicy *p)
{
    g_free(p->id);
    g_free(p->name);
    g_free(p->basis);
    ruleset_free_clauses(p->clauses, p->n_clauses);
    g_free(p->pre);
    g_free(p->risky);
    dx_expr_node_free(p->award);
    g_free(p->award_slots);
    dx_expr_node_free(p->cap);
    g_free(p->cap_slots);
    for (guint i = 0; i < p->n_installments && p->installments != NULL; i++)
        ruleset_free_clauses(p->installments[i].requires, p->installments[i].n_requires);
    g_free(p->installments);
    if (p->commitment != NULL) {
        ruleset_free_clauses(p->commitment->keep, p->commitment->n_keep);
        g_free(p->commitment);
    }
    dx_expr_node_free(p->rank_by);
    g_free(p->rank_by_slots);
    g_free(p->kept_slots);
    g_free(p->rank_label);
}

void
dx_ruleset_unref(DxRuleset *self)
{
    if (self == NULL || !g_atomic_int_dec_and_test(&self->ref_count))
        return;
    g_free(self->source_name);
    g_free(self->sha256);
    if (self->overrides != NULL)
        g_ptr_array_unref(self->overrides);
    if (self->warnings != NULL)
        g_ptr_array_unref(self->warnings);
    g_free(self->fund_id);
    g_free(self->fund_name);
    for (guint i = 0; i < self->n_envelopes; i++)
        g_free(self->envelopes[i].key);
    g_free(self->envelopes);
    for (guint i = 0; i < self->n_bureaus; i++) {
        g_free(self->bureaus[i].key);
        g_free(self->bureaus[i].name);
    }
    g_free(self->bureaus);
    for (guint i = 0; i < self->n_fields; i++) {
        g_free(self->fields[i].name);
        g_free(self->fields[i].label);
        g_strfreev(self->fields[i].aliases);
        g_free(self->fields[i].default_text);
        g_free(self->fields[i].default_bad);
    }
    g_free(self->fields);
    g_free(self->defaults);
    g_free(self->has_default);
    g_hash_table_unref(self->field_by_name);
    g_hash_table_unref(self->field_by_column);
    for (guint i = 0; i < self->n_groups; i++) {
        g_free(self->groups[i].key);
        g_free(self->groups[i].name);
    }
    g_free(self->groups);
    for (guint i = 0; i < self->n_policies; i++)
        ruleset_free_policy(&self->policies[i]);
    g_free(self->policies);
    g_hash_table_unref(self->policy_by_id);
    for (guint i = 0; i < self->n_params; i++) {
        g_free(self->params[i].name);
        g_free(self->params[i].label);
        g_free(self->params[i].dates);
        g_free(self->params[i].values);
        g_strfreev(self->params[i].texts);
    }
    g_free(self->params);
    for (guint i = 0; i < self->n_received_keys; i++)
        g_free(self->received_keys[i].key);
    g_free(self->received_keys);
    g_free(self);
}

gint
dx_ruleset_find_policy(const DxRuleset *self, const char *id)
{
    gpointer v = g_hash_table_lookup(self->policy_by_id, id);

    return v != NULL ? (gint)GPOINTER_TO_UINT(v) - 1 : -1;
}

const DxField *
dx_ruleset_find_column(const DxRuleset *self, const char *column)
{
    return g_hash_table_lookup(self->field_by_column, column);
}

const char *dx_ruleset_get_sha256(const DxRuleset *self) { g_return_val_if_fail(self, NULL); return self->sha256; }
const char *dx_ruleset_get_fund_id(const DxRuleset *self) { g_return_val_if_fail(self, NULL); return self->fund_id; }
const char *dx_ruleset_get_fund_name(const DxRuleset *self) { g_return_val_if_fail(self, NULL); return self->fund_name; }
int64_t dx_ruleset_get_fund_total_fen(const DxRuleset *self) { g_return_val_if_fail(self, 0); return self->fund_total_fen; }

int64_t
dx_ruleset_get_fund_enterprise_cap_fen(const DxRuleset *self)
{
    g_return_val_if_fail(self != NULL, -1);
    return self->has_fund_enterprise_cap ? self->fund_enterprise_cap_fen : -1;
}

void
dx_ruleset_dup_fund_period(const DxRuleset *self, char **from, char **to)
{
    char buf[16];

    g_return_if_fail(self != NULL);
    if (from != NULL) {
        dx_date_format(self->period_from, buf);
        *from = g_strdup(buf);
    }
    if (to != NULL) {
        dx_date_format(self->period_to, buf);
        *to = g_strdup(buf);
    }
}

const char *
dx_ruleset_get_shortfall(const DxRuleset *self)
{
    static const char *const names[] = { "pro_rata", "priority", "fcfs" };

    g_return_val_if_fail(self != NULL, NULL);
    return names[self->shortfall];
}

size_t dx_ruleset_get_n_envelopes(const DxRuleset *self) { g_return_val_if_fail(self, 0); return self->n_envelopes; }

const char *
dx_ruleset_get_envelope_key(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_envelopes, NULL);
    return self->envelopes[index].key;
}

int64_t
dx_ruleset_get_envelope_total_fen(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_envelopes, 0);
    return self->envelopes[index].total_fen;
}

size_t dx_ruleset_get_n_bureaus(const DxRuleset *self) { g_return_val_if_fail(self, 0); return self->n_bureaus; }

const char *
dx_ruleset_get_bureau_key(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_bureaus, NULL);
    return self->bureaus[index].key;
}

const char *
dx_ruleset_get_bureau_name(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_bureaus, NULL);
    return self->bureaus[index].name;
}

size_t dx_ruleset_get_n_policies(const DxRuleset *self) { g_return_val_if_fail(self, 0); return self->n_policies; }

const char *
dx_ruleset_get_policy_id(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_policies, NULL);
    return self->policies[index].id;
}

const char *
dx_ruleset_get_policy_name(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_policies, NULL);
    return self->policies[index].name;
}

const char *
dx_ruleset_get_policy_bureau(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_policies, NULL);
    return self->bureaus[self->policies[index].bureau].key;
}

const char *
dx_ruleset_get_policy_basis(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_policies, NULL);
    return self->policies[index].basis;
}

size_t dx_ruleset_get_n_fields(const DxRuleset *self) { g_return_val_if_fail(self, 0); return self->n_fields; }

const char *
dx_ruleset_get_field_name(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_fields, NULL);
    return self->fields[index].name;
}

const char *
dx_ruleset_get_field_label(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_fields, NULL);
    return self->fields[index].label;
}

DxFieldType
dx_ruleset_get_field_type(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_fields, DX_FIELD_TEXT);
    return self->fields[index].type;
}

/* ---- §10: the parameters, for check and the bindings ---- */
size_t
dx_ruleset_get_n_params(const DxRuleset *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->n_params;
}

const char *
dx_ruleset_get_param_name(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_params, NULL);
    return self->params[index].name;
}

const char *
dx_ruleset_get_param_label(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_params, NULL);
    return self->params[index].label;
}

DxFieldType
dx_ruleset_get_param_type(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_params, DX_FIELD_TEXT);
    return self->params[index].ftype;
}

size_t
dx_ruleset_get_param_n_values(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < self->n_params, 0);
    return self->params[index].n_values;
}

char *
dx_ruleset_dup_param_value(const DxRuleset *self, size_t index, size_t value_index, char **from)
{
    const DxParam *p;
    const DxValue *v;

    g_return_val_if_fail(self != NULL && index < self->n_params, NULL);
    p = &self->params[index];
    g_return_val_if_fail(value_index < p->n_values, NULL);
    v = &p->values[value_index];
    if (from != NULL) {
        char buf[16];

        dx_date_format(p->dates[value_index], buf);
        *from = g_strdup(buf);
    }
    /* as the explanations write it: a number written as a percent stays one */
    return dx_value_to_display(v, v->type == DX_TYPE_NUMBER && v->elem != 0);
}

size_t
dx_ruleset_get_n_overrides(const DxRuleset *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->overrides != NULL ? self->overrides->len : 0;
}

const char *
dx_ruleset_get_override(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < dx_ruleset_get_n_overrides(self), NULL);
    return g_ptr_array_index(self->overrides, index);
}

size_t
dx_ruleset_get_n_warnings(const DxRuleset *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->warnings != NULL ? self->warnings->len : 0;
}

const char *
dx_ruleset_get_warning(const DxRuleset *self, size_t index)
{
    g_return_val_if_fail(self != NULL && index < dx_ruleset_get_n_warnings(self), NULL);
    return g_ptr_array_index(self->warnings, index);
}
