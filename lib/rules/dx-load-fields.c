/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading bureaus and fields (docs/rules.md §2): each field's type,
 * column, aliases and default; expressions bind to fields by name.
 */
#include "base/dx-cell-private.h"
#include "base/dx-money-private.h"
#include "rules/dx-loader-private.h"

#include <stdio.h>
#include <string.h>

/* ---- bureaus ---- */

gboolean
dx_load_bureaus(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;

    if (!dx_load_expect_kind(l, n, "bureaus", DX_YAML_MAP))
        return FALSE;
    if (n->n_items == 0)
        return dx_load_fail(l, n, "bureaus", DX_ERROR_RULES_INVALID, "declare at least one bureau");
    rs->bureaus = g_new0(DxBureau, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        g_autofree char *p = g_strdup_printf("bureaus.%s", n->keys[i]->text);

        if (!dx_load_check_key_name(l, n->keys[i], "bureaus", "bureau") ||
            !dx_load_expect_kind(l, n->values[i], p, DX_YAML_SCALAR))
            return FALSE;
        rs->bureaus[i].key = g_strdup(n->keys[i]->text);
        rs->bureaus[i].name = g_strdup(n->values[i]->text);
        rs->bureaus[i].envelope = -1;
        rs->n_bureaus++;
    }
    return TRUE;
}

gint
dx_load_find_bureau(const DxRuleset *rs, const char *key)
{
    for (guint i = 0; i < rs->n_bureaus; i++) {
        if (strcmp(rs->bureaus[i].key, key) == 0)
            return (gint)i;
    }
    return -1;
}

/* ---- fields ---- */

static const struct {
    const char *name;
    DxFieldType type;
} builtin_fields[DX_N_BUILTIN_SLOTS] = {
    /* ORDER DX_SLOT_* */
    { "app_id", DX_FIELD_TEXT },
    { "enterprise_id", DX_FIELD_TEXT },
    { "enterprise_name", DX_FIELD_TEXT },
    { "policy", DX_FIELD_TEXT },
    { "submitted_on", DX_FIELD_DATE },
};

static DxType
field_expr_type(DxFieldType t)
{
    switch (t) {
    case DX_FIELD_TEXT: return DX_TYPE_TEXT;
    case DX_FIELD_INTEGER:
    case DX_FIELD_NUMBER: return DX_TYPE_NUMBER;
    case DX_FIELD_MONEY: return DX_TYPE_MONEY;
    case DX_FIELD_DATE: return DX_TYPE_DATE;
    case DX_FIELD_BOOL: return DX_TYPE_BOOL;
    }
    return DX_TYPE_NONE;
}

static gboolean
identifier_is_valid(const char *s)
{
    static const char *const keywords[] = { "and", "or", "not", "in", "true", "false", NULL };
    gboolean first = TRUE;

    if (*s == '\0' || !g_utf8_validate(s, -1, NULL))
        return FALSE;
    for (const char *const *k = keywords; *k; k++) {
        if (strcmp(*k, s) == 0)
            return FALSE;
    }
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (!(c == '_' || g_unichar_isalpha(c) || (!first && c >= '0' && c <= '9')))
            return FALSE;
        first = FALSE;
    }
    return TRUE;
}


static gboolean
register_column(DxLoader *l, DxField *f, const char *column, const DxYamlNode *at, const char *path)
{
    DxField *other = g_hash_table_lookup(l->rs->field_by_column, column);

    if (other != NULL && other != f)
        return dx_load_fail(l, at, path, DX_ERROR_RULES_INVALID,
                         "column name “%s” already names field “%s”", column, other->name);
    g_hash_table_insert(l->rs->field_by_column, (gpointer)column, f);
    return TRUE;
}

/* A value in a sentence about a bound (§9): money in 万元 from 1万元 up. */
static char *
bound_display(const DxValue *v)
{
    if (v->type == DX_TYPE_MONEY && v->u.r.den == 1)
        return dx_money_format_cell((int64_t)v->u.r.num);
    return dx_value_to_display(v, FALSE);
}

/* A bound (min/max, §9) written like a data cell of the field's type. */
static gboolean
load_field_bound(DxLoader *l, DxField *f, const DxYamlNode *spec, const char *key, const char *path,
                 gboolean *has, DxValue *out)
{
    const DxYamlNode *n = dx_yaml_map_lookup(spec, key);
    g_autofree char *p = dx_load_path_join(path, key);
    g_autofree char *trimmed = NULL;
    const char *why = NULL;

    if (n == NULL)
        return TRUE;
    if (f->type != DX_FIELD_INTEGER && f->type != DX_FIELD_NUMBER && f->type != DX_FIELD_MONEY &&
        f->type != DX_FIELD_DATE)
        return dx_load_fail(l, n, p, DX_ERROR_RULES_INVALID,
                            "“%s” is allowed only for integer, number, money and date fields", key);
    if (!dx_load_expect_kind(l, n, p, DX_YAML_SCALAR))
        return FALSE;
    trimmed = g_strstrip(g_strdup(n->text));
    if (!dx_cell_parse(f->type, trimmed, strlen(trimmed), out, &why))
        return dx_load_fail(l, n, p, DX_ERROR_RULES_INVALID, "%s “%s” is not a valid %s: %s", key, n->text,
                            dx_type_name(field_expr_type(f->type)), why);
    *has = TRUE;
    return TRUE;
}

static gboolean
load_field_attrs(DxLoader *l, DxField *f, const DxYamlNode *spec, const char *path)
{
    static const char *const keys[] = { "type", "label", "aliases", "default", "min", "max", NULL };
    static const char *const v2_keys[] = { "min", "max", NULL };
    static const char *const builtin_keys[] = { "label", "aliases", NULL };
    const DxYamlNode *aliases, *def;

    if (!dx_load_expect_kind(l, spec, path, DX_YAML_MAP))
        return FALSE;
    if (f->builtin && dx_yaml_map_lookup(spec, "type") != NULL)
        return dx_load_fail(l, dx_yaml_map_lookup(spec, "type"), path, DX_ERROR_RULES_INVALID,
                         "built-in field “%s” cannot be redeclared with a type; give only label or aliases",
                         f->name);
    if ((!f->builtin && !dx_load_check_format_keys(l, spec, path, v2_keys, NULL)) ||
        !dx_load_check_keys(l, spec, path, f->builtin ? builtin_keys : keys, NULL) ||
        !dx_load_parse_text(l, spec, "label", path, &f->label))
        return FALSE;
    aliases = dx_yaml_map_lookup(spec, "aliases");
    if (aliases != NULL) {
        g_autofree char *p = dx_load_path_join(path, "aliases");

        if (!dx_load_expect_kind(l, aliases, p, DX_YAML_SEQ))
            return FALSE;
        g_strfreev(f->aliases);
        f->aliases = g_new0(char *, aliases->n_items + 1);
        for (guint i = 0; i < aliases->n_items; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);

            if (!dx_load_expect_kind(l, aliases->values[i], pi, DX_YAML_SCALAR))
                return FALSE;
            f->aliases[i] = g_strdup(aliases->values[i]->text);
        }
    }
    if (!load_field_bound(l, f, spec, "min", path, &f->has_min, &f->min_value) ||
        !load_field_bound(l, f, spec, "max", path, &f->has_max, &f->max_value))
        return FALSE;
    if (f->has_min && f->has_max && dx_value_cmp(&f->min_value, &f->max_value) > 0) {
        g_autofree char *p = dx_load_path_join(path, "max");

        return dx_load_fail(l, dx_yaml_map_lookup(spec, "max"), p, DX_ERROR_RULES_INVALID,
                            "max “%s” is less than min “%s”", dx_yaml_map_lookup(spec, "max")->text,
                            dx_yaml_map_lookup(spec, "min")->text);
    }
    def = dx_yaml_map_lookup(spec, "default");
    if (def != NULL) {
        g_autofree char *p = dx_load_path_join(path, "default");
        const char *why = NULL;
        g_autofree char *trimmed = NULL;

        if (!dx_load_expect_kind(l, def, p, DX_YAML_SCALAR))
            return FALSE;
        f->default_text = g_strdup(def->text);
        trimmed = f->type == DX_FIELD_TEXT ? g_strdup(def->text) : g_strstrip(g_strdup(def->text));
        if (!dx_cell_parse_ex(f->type, trimmed, strlen(trimmed), l->format >= 2 ? DX_CELL_BOOL_ZH : 0,
                              &f->default_value, &why))
            return dx_load_fail(l, def, p, DX_ERROR_RULES_INVALID, "default “%s” is not a valid %s: %s",
                             def->text, dx_type_name(field_expr_type(f->type)), why);
        if (f->type == DX_FIELD_TEXT) {
            f->default_value.u.t.s = f->default_text;
            f->default_value.u.t.len = (guint32)strlen(f->default_text);
        }
        f->has_default = TRUE;
    }
    return TRUE;
}

static gboolean
parse_field_type(DxLoader *l, const DxYamlNode *spec, const char *path, DxFieldType *out)
{
    static const char *const names[] = { "text", "integer", "number", "money", "date", "bool" };
    const DxYamlNode *t;
    g_autofree char *p = dx_load_path_join(path, "type");

    if (!dx_load_expect_kind(l, spec, path, DX_YAML_MAP))
        return FALSE;
    t = dx_yaml_map_lookup(spec, "type");
    if (t == NULL)
        return dx_load_fail(l, spec, path, DX_ERROR_RULES_INVALID, "missing required key “type”");
    if (!dx_load_expect_kind(l, t, p, DX_YAML_SCALAR))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i], t->text) == 0) {
            *out = (DxFieldType)i;
            return TRUE;
        }
    }
    return dx_load_fail(l, t, p, DX_ERROR_RULES_INVALID,
                     "unknown type “%s” (expected text, integer, number, money, date or bool)", t->text);
}

gboolean
dx_load_fields(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;
    guint n_declared = 0;

    if (!dx_load_expect_kind(l, n, "fields", DX_YAML_MAP))
        return FALSE;
    if (n->n_items > l->opts.max_fields)
        return dx_load_fail(l, n, "fields", DX_ERROR_LIMIT, "more than %u fields", l->opts.max_fields);
    rs->fields = g_new0(DxField, DX_N_BUILTIN_SLOTS + n->n_items);
    for (guint i = 0; i < DX_N_BUILTIN_SLOTS; i++) {
        DxField *f = &rs->fields[i];

        f->name = g_strdup(builtin_fields[i].name);
        f->type = builtin_fields[i].type;
        f->builtin = TRUE;
        f->aliases = g_new0(char *, 1);
    }
    rs->n_fields = DX_N_BUILTIN_SLOTS;
    for (guint i = 0; i < n->n_items; i++) {
        const char *name = n->keys[i]->text;
        g_autofree char *p = g_strdup_printf("fields.%s", name);
        DxField *f = NULL;

        for (guint b = 0; b < DX_N_BUILTIN_SLOTS; b++) {
            if (strcmp(builtin_fields[b].name, name) == 0)
                f = &rs->fields[b];
        }
        if (f == NULL) {
            if (!identifier_is_valid(name))
                return dx_load_fail(l, n->keys[i], "fields", DX_ERROR_RULES_INVALID,
                                 "field name “%s” must be an identifier (letters, digits, _; not a keyword)",
                                 name);
            if (l->format >= 2 && strcmp(name, "rank") == 0)
                return dx_load_fail(l, n->keys[i], "fields", DX_ERROR_RULES_INVALID,
                                    "“rank” is built in to ranked policies in format duixian/2; name the field otherwise");
            f = &rs->fields[rs->n_fields++]; /* counted now: unref frees it on error */
            f->name = g_strdup(name);
            f->aliases = g_new0(char *, 1);
            n_declared++;
            if (!parse_field_type(l, n->values[i], p, &f->type))
                return FALSE;
        }
        if (!load_field_attrs(l, f, n->values[i], p))
            return FALSE;
    }
    /* bind names and columns only now that the array no longer moves */
    for (guint i = 0; i < rs->n_fields; i++) {
        DxField *f = &rs->fields[i];

        if (f->label == NULL)
            f->label = g_strdup(f->name);
        f->ref.name = f->name;
        f->ref.slot = i;
        f->ref.type = field_expr_type(f->type);
        f->ref.integer = f->type == DX_FIELD_INTEGER;
        g_hash_table_insert(rs->field_by_name, f->name, f);
        if (!register_column(l, f, f->name, n, "fields"))
            return FALSE;
    }
    for (guint i = 0; i < rs->n_fields; i++) {
        const DxYamlNode *spec = dx_yaml_map_lookup(n, rs->fields[i].name);
        const DxYamlNode *aliases = spec != NULL ? dx_yaml_map_lookup(spec, "aliases") : NULL;

        /* aliases[j] came from aliases->values[j]: report at that item */
        for (guint j = 0; rs->fields[i].aliases[j] != NULL; j++) {
            g_autofree char *p = g_strdup_printf("fields.%s.aliases[%u]", rs->fields[i].name, j);
            const DxYamlNode *at = aliases != NULL && j < aliases->n_items ? aliases->values[j]
                                   : spec != NULL                         ? spec
                                                                          : n;

            if (!register_column(l, &rs->fields[i], rs->fields[i].aliases[j], at, p))
                return FALSE;
        }
    }
    /* format 2: a label is a column title too (§9); it may not name another field */
    for (guint i = 0; i < rs->n_fields && l->format >= 2; i++) {
        DxField *f = &rs->fields[i];
        const DxYamlNode *spec = dx_yaml_map_lookup(n, f->name);
        const DxYamlNode *at = spec != NULL && spec->kind == DX_YAML_MAP && dx_yaml_map_lookup(spec, "label") != NULL
                                   ? dx_yaml_map_lookup(spec, "label") : n;
        g_autofree char *p = g_strdup_printf("fields.%s.label", f->name);
        DxField *other = g_hash_table_lookup(rs->field_by_column, f->label);

        if (at == n)
            continue;   /* no label written: it is the name, already a column */
        if (other != NULL && other != f)
            return dx_load_fail(l, at, p, DX_ERROR_RULES_INVALID,
                                "label “%s” already names field “%s” (a label is also a column name)", f->label,
                                other->name);
        g_hash_table_insert(rs->field_by_column, f->label, f);
    }
    /* a default outside the bounds makes every row that relies on it invalid */
    for (guint i = 0; i < rs->n_fields; i++) {
        DxField *f = &rs->fields[i];
        const char *bound = NULL;
        const DxValue *bv = NULL;

        if (!f->has_default)
            continue;
        if (f->has_min && dx_value_cmp(&f->default_value, &f->min_value) < 0)
            bound = "不得小于", bv = &f->min_value;
        else if (f->has_max && dx_value_cmp(&f->default_value, &f->max_value) > 0)
            bound = "不得大于", bv = &f->max_value;
        if (bound != NULL) {
            g_autofree char *vs = bound_display(&f->default_value);
            g_autofree char *bs = bound_display(bv);

            /* kept in both languages, as a bad cell's sentence is (dx_bilingual_pick()) */
            f->default_bad = g_strdup_printf("「%s」为 %s（默认值），%s %s%c“%s” is %s (its default), %s %s", f->label,
                                             vs, bound, bs, DX_BILINGUAL_SEP, f->label, vs,
                                             bv == &f->min_value ? "below the minimum" : "above the maximum", bs);
            rs->has_bad_defaults = TRUE;
        }
    }
    (void)n_declared;
    rs->defaults = g_new0(DxValue, rs->n_fields);
    rs->has_default = g_new0(guint8, rs->n_fields);
    for (guint i = 0; i < rs->n_fields; i++) {
        rs->defaults[i] = rs->fields[i].default_value;
        rs->has_default[i] = rs->fields[i].has_default;
    }
    return TRUE;
}

/* ---- parameters (§10) ---- */

/* One value of a parameter from its parsed literal @node (@text as
 * written): a single literal of its type, optionally negated. On failure
 * returns FALSE with the error's code and message in @code and @why. Shared
 * by the rules file and what-if settings (dx-load-overrides.c). */
gboolean
dx_load_param_value_from_node(DxParam *p, const DxExprNode *node, const char *text, guint i, DxError *code,
                              char **why)
{
    const DxExprNode *lit = node->kind == DX_NODE_NEG ? node->children[0] : node;
    DxValue *out = &p->values[i];
    DxType want = field_expr_type(p->ftype);

    *code = DX_ERROR_RULES_INVALID;
    if (lit->kind != DX_NODE_CONST || lit->value.type == DX_TYPE_TEXT ||
        (node->kind == DX_NODE_NEG && lit->value.type != DX_TYPE_NUMBER && lit->value.type != DX_TYPE_MONEY)) {
        *why = g_strdup_printf("a parameter value is one literal of its type (e.g. 1.5%%, 300万元, -12), not “%s”", text);
        return FALSE;
    }
    if (lit->value.type != want) {
        *code = DX_ERROR_EXPR_TYPE;
        *why = g_strdup_printf("“%s” is %s, but the parameter is %s", text, dx_type_name((DxType)lit->value.type),
                               dx_type_name(want));
        return FALSE;
    }
    *out = lit->value;
    if (node->kind == DX_NODE_NEG && dx_rat_neg(lit->value.u.r, &out->u.r) != DX_NUM_OK) {
        *why = g_strdup_printf("“%s” is out of range", text);
        return FALSE;
    }
    if (p->ftype == DX_FIELD_INTEGER && out->u.r.den != 1) {
        *why = g_strdup_printf("an integer parameter is whole, not “%s”", text);
        return FALSE;
    }
    return TRUE;
}

/* One value of a parameter in the rules file; a text value is the
 * scalar's text as it stands. */
static gboolean
load_param_value(DxLoader *l, DxParam *p, const DxYamlNode *v, const char *path, guint i)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DxExprNode) node = NULL;
    g_autofree char *why = NULL;
    DxError code;

    if (!dx_load_expect_kind(l, v, path, DX_YAML_SCALAR))
        return FALSE;
    if (p->ftype == DX_FIELD_TEXT) {
        p->texts[i] = g_strdup(v->text);
        p->values[i].type = DX_TYPE_TEXT;
        p->values[i].u.t.s = p->texts[i];
        p->values[i].u.t.len = (guint32)strlen(p->texts[i]);
        return TRUE;
    }
    node = dx_expr_parse(v->text, (gssize)v->len, &l->opts.expr, &err);
    if (node == NULL)
        return dx_load_expr_fail(l, v, path, err);
    if (!dx_load_param_value_from_node(p, node, v->text, i, &code, &why))
        return dx_load_fail(l, v, path, code, "%s", why);
    return TRUE;
}

static gboolean
load_param(DxLoader *l, DxParam *p, const DxYamlNode *key, const DxYamlNode *spec, const char *path)
{
    static const char *const keys[] = { "type", "label", "values", NULL };
    static const char *const required[] = { "type", "values", NULL };
    const DxYamlNode *values;
    g_autofree char *pv = dx_load_path_join(path, "values");
    const char *name = key->text;

    if (!identifier_is_valid(name) || strcmp(name, "rank") == 0)
        return dx_load_fail(l, key, "params", DX_ERROR_RULES_INVALID,
                            "parameter name “%s” must be an identifier (letters, digits, _; not a keyword or rank)",
                            name);
    if (g_hash_table_lookup(l->rs->field_by_name, name) != NULL ||
        g_hash_table_lookup(l->rs->field_by_column, name) != NULL)
        return dx_load_fail(l, key, "params", DX_ERROR_RULES_INVALID,
                            "parameter “%s” has the name of a field, alias or built-in", name);
    for (guint i = 0; i + 1 < l->rs->n_params; i++) {   /* the last is @p */
        if (strcmp(l->rs->params[i].name, name) == 0)
            return dx_load_fail(l, key, "params", DX_ERROR_RULES_INVALID, "parameter “%s” is declared twice", name);
    }
    p->name = g_strdup(name);
    if (!dx_load_expect_kind(l, spec, path, DX_YAML_MAP) || !dx_load_check_keys(l, spec, path, keys, required) ||
        !parse_field_type(l, spec, path, &p->ftype) || !dx_load_parse_text(l, spec, "label", path, &p->label))
        return FALSE;
    if (p->label == NULL)
        p->label = g_strdup(name);
    values = dx_yaml_map_lookup(spec, "values");
    if (!dx_load_expect_kind(l, values, pv, DX_YAML_MAP))
        return FALSE;
    if (values->n_items == 0)
        return dx_load_fail(l, values, pv, DX_ERROR_RULES_INVALID, "give at least one value {YYYY-MM-DD: value}");
    p->dates = g_new0(gint32, values->n_items);
    p->values = g_new0(DxValue, values->n_items);
    p->texts = g_new0(char *, values->n_items + 1);
    for (guint i = 0; i < values->n_items; i++) {
        const DxYamlNode *d = values->keys[i];
        g_autofree char *pi = g_strdup_printf("%s.%s", pv, d->text);

        if (!dx_date_parse(d->text, d->len, &p->dates[i]))
            return dx_load_fail(l, d, pv, DX_ERROR_RULES_INVALID,
                                "expected a real calendar date YYYY-MM-DD, found “%s”", d->text);
        if (i > 0 && p->dates[i] <= p->dates[i - 1])
            return dx_load_fail(l, d, pv, DX_ERROR_RULES_INVALID,
                                "dates must be strictly increasing: %s does not follow %s", d->text,
                                values->keys[i - 1]->text);
        if (!load_param_value(l, p, values->values[i], pi, i))
            return FALSE;
        p->n_values++;
    }
    return TRUE;
}

gboolean
dx_load_params(DxLoader *l, const DxYamlNode *n)
{
    DxRuleset *rs = l->rs;

    if (!dx_load_expect_kind(l, n, "params", DX_YAML_MAP))
        return FALSE;
    rs->params = g_new0(DxParam, n->n_items);
    for (guint i = 0; i < n->n_items; i++) {
        g_autofree char *p = g_strdup_printf("params.%s", n->keys[i]->text);
        DxParam *param = &rs->params[rs->n_params++];   /* counted now: unref frees it on error */

        if (!load_param(l, param, n->keys[i], n->values[i], p))
            return FALSE;
    }
    /* bind only now that the array no longer moves */
    for (guint i = 0; i < rs->n_params; i++) {
        DxParam *param = &rs->params[i];

        param->ref.name = param->name;
        param->ref.index = i;
        param->ref.type = field_expr_type(param->ftype);
        param->ref.integer = param->ftype == DX_FIELD_INTEGER;
        param->ref.n_values = param->n_values;
        param->ref.dates = param->dates;
        param->ref.values = param->values;
    }
    return TRUE;
}
