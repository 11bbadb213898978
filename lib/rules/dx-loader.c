/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rules loader's toolkit: one-line located errors ("file:line:col:
 * key.path: message", control characters escaped), key checks against the
 * keys a mapping may have, scalars read by the key that holds them (no
 * implicit YAML typing), and expressions parsed and type-checked once,
 * with errors pointing inside the expression at the offending character.
 */
#include "base/dx-cell-private.h"
#include "rules/dx-loader-private.h"

#include <stdio.h>
#include <string.h>

gboolean
dx_load_fail(DxLoader *l, const DxYamlNode *at, const char *path, DxError code, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_autofree char *line = g_strdup_printf("%s:%u:%u: %s%s%s", l->file, at != NULL ? at->line : 1,
                                            at != NULL ? at->col : 1, path != NULL ? path : "",
                                            path != NULL && *path ? ": " : "", msg);
    /* One line, whatever a quoted scalar or key held: control characters
     * (a folded multi-line scalar's newlines) are shown escaped. */
    GString *out = g_string_sized_new(strlen(line));
    for (const char *p = line; *p != '\0'; p++) {
        if (*p == '\n')
            g_string_append(out, "\\n");
        else if ((guchar)*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02X", (guint)(guchar)*p);
        else
            g_string_append_c(out, *p);
    }
    g_set_error_literal(l->error, DX_ERROR, code, out->str);
    g_string_free(out, TRUE);
    return FALSE;
}

static const char *
kind_name(DxYamlKind k)
{
    return k == DX_YAML_MAP ? "a mapping" : k == DX_YAML_SEQ ? "a list" : "a value";
}

gboolean
dx_load_expect_kind(DxLoader *l, const DxYamlNode *n, const char *path, DxYamlKind kind)
{
    if (n->kind != kind)
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "expected %s, found %s",
                         kind_name(kind), kind_name(n->kind));
    if (kind == DX_YAML_SCALAR && n->len == 0)
        return dx_load_fail(l, n, path, DX_ERROR_RULES_INVALID, "a value is required here");
    return TRUE;
}

/* Checks that @map has only @allowed keys and all of @required. */
gboolean
dx_load_check_keys(DxLoader *l, const DxYamlNode *map, const char *path, const char *const *allowed,
           const char *const *required)
{
    for (guint i = 0; i < map->n_items; i++) {
        gboolean ok = FALSE;
        g_autofree char *expected = NULL;

        for (const char *const *a = allowed; *a != NULL; a++)
            ok |= strcmp(*a, map->keys[i]->text) == 0;
        if (ok)
            continue;
        expected = g_strjoinv(", ", (char **)allowed);
        return dx_load_fail(l, map->keys[i], path, DX_ERROR_RULES_INVALID,
                         "unknown key “%s” (expected one of: %s)", map->keys[i]->text, expected);
    }
    for (const char *const *r = required; r != NULL && *r != NULL; r++) {
        if (dx_yaml_map_lookup(map, *r) == NULL)
            return dx_load_fail(l, map, path, DX_ERROR_RULES_INVALID, "missing required key “%s”", *r);
    }
    return TRUE;
}

static gboolean
key_in(const char *key, const char *const *list)
{
    for (; list != NULL && *list != NULL; list++) {
        if (strcmp(*list, key) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean
dx_load_check_format_keys(DxLoader *l, const DxYamlNode *map, const char *path, const char *const *v2_keys,
                          const char *const *unsupported)
{
    for (guint i = 0; i < map->n_items; i++) {
        const char *k = map->keys[i]->text;

        if (l->format < 2 && (key_in(k, v2_keys) || key_in(k, unsupported)))
            return dx_load_fail(l, map->keys[i], path, DX_ERROR_RULES_INVALID,
                                "“%s” needs format: duixian/2", k);
        if (key_in(k, unsupported))
            return dx_load_fail(l, map->keys[i], path, DX_ERROR_RULES_INVALID,
                                "“%s” is not supported yet by this release", k);
    }
    return TRUE;
}

char *
dx_load_path_join(const char *path, const char *key)
{
    return *path ? g_strdup_printf("%s.%s", path, key) : g_strdup(key);
}

static gboolean
key_is_valid(const char *s)
{
    if (*s == '\0')
        return FALSE;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
            return FALSE;
    }
    return TRUE;
}

gboolean
dx_load_check_key_name(DxLoader *l, const DxYamlNode *key, const char *path, const char *what)
{
    if (!key_is_valid(key->text))
        return dx_load_fail(l, key, path, DX_ERROR_RULES_INVALID,
                         "%s key “%s” may use only letters, digits and - _ .", what, key->text);
    return TRUE;
}

/* ---- expressions ---- */

const DxFieldRef *
dx_loader_lookup_field(const char *name, gpointer user_data)
{
    DxRuleset *rs = user_data;
    DxField *f = g_hash_table_lookup(rs->field_by_name, name);

    return f != NULL ? &f->ref : NULL;
}

static const DxParamRef *
loader_lookup_param(const char *name, gpointer user_data)
{
    DxRuleset *rs = user_data;

    for (guint i = 0; i < rs->n_params; i++) {
        if (strcmp(rs->params[i].name, name) == 0)
            return &rs->params[i].ref;
    }
    return NULL;
}

static gint
loader_received_key(const char *key, gboolean group, gpointer user_data, const char **why)
{
    DxRuleset *rs = user_data;
    gboolean declared = FALSE;

    if (group) {
        for (guint i = 0; i < rs->n_groups; i++)
            declared |= strcmp(rs->groups[i].key, key) == 0;
        if (!declared) {
            *why = "received_group() needs a declared group key";
            return -1;
        }
    }
    for (guint i = 0; i < rs->n_received_keys; i++) {
        if (rs->received_keys[i].group == group && strcmp(rs->received_keys[i].key, key) == 0)
            return (gint)i;
    }
    rs->received_keys = g_renew(DxReceivedKey, rs->received_keys, rs->n_received_keys + 1);
    rs->received_keys[rs->n_received_keys].key = g_strdup(key);
    rs->received_keys[rs->n_received_keys].group = group;
    return (gint)rs->n_received_keys++;
}

gboolean
dx_load_check_expr(DxLoader *l, DxExprNode *node, DxType expect, GError **error)
{
    DxCheckEnv env = {
        .lookup = dx_loader_lookup_field,
        .user_data = l->rs,
        .format = l->format,
        .param_lookup = loader_lookup_param,
        .received_key = loader_received_key,
        .rank_allowed = l->rank_allowed,
    };

    return dx_expr_check_env(node, expect, &env, error);
}

/* The byte offset of @line:@col (1-based; columns count characters, and
 * lines end at \n, \r\n or \r as for libyaml) in the source, or -1. */
static gssize
loader_source_offset(const DxLoader *l, guint line, guint col)
{
    const char *p = l->data, *end = l->data + l->len;

    if (l->len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* the YAML reader drops a BOM before counting */
    for (guint i = 1; i < line; i++) {
        while (p < end && *p != '\n' && *p != '\r')
            p++;
        if (p == end)
            return -1;
        p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
    }
    for (guint i = 1; i < col; i++) {
        if (p >= end || *p == '\n' || *p == '\r')
            return -1;
        p = g_utf8_next_char(p);
    }
    return p <= end ? (gssize)(p - l->data) : -1;
}

/* TRUE when @scalar's text stands verbatim in the source on one line (plain,
 * or quoted without escapes), so the expression's column N is the file's
 * column *@text_col + N - 1. A plain scalar folded over several lines, a
 * quoted one with escapes and block scalars (| >) are not. */
static gboolean
scalar_is_verbatim(const DxLoader *l, const DxYamlNode *scalar, guint *text_col)
{
    gssize off = loader_source_offset(l, scalar->line, scalar->col);
    const char *p, *end = l->data + l->len;
    char quote = 0;

    if (off < 0 || memchr(scalar->text, '\n', scalar->len) != NULL)
        return FALSE;
    p = l->data + off;
    if (!scalar->plain) {
        if (p >= end || (*p != '\'' && *p != '"'))
            return FALSE;
        quote = *p++;
    }
    if ((gsize)(end - p) < scalar->len || memcmp(p, scalar->text, scalar->len) != 0 ||
        memchr(scalar->text, '\r', scalar->len) != NULL)
        return FALSE;
    p += scalar->len;
    if (quote != 0 && (p >= end || *p != quote))
        return FALSE;
    *text_col = scalar->col + (quote != 0 ? 1 : 0);
    return TRUE;
}

/* Maps an expression error "col N: msg" to the file position of that
 * character. Exact when the scalar stands verbatim on one line (plain, or
 * quoted without escapes); otherwise it points at the scalar and says the
 * column in the message. */
/* A money amount written as in a spreadsheet, which the expression
 * grammar cannot read: "5,000万元" (a thousands separator, which in an
 * expression separates arguments) or "5000 万元" (a space before the unit).
 * Returns the sentence saying what to write instead, or NULL. Data cells
 * accept "5,000万元" (docs/rules.md §2); rules files do not, because
 * min(a, b) needs the comma. */
static char *
money_slip_hint(const char *text)
{
    static const char *const units[] = { "万元", "亿元", "元", "万", "亿", NULL };

    for (const char *p = text; *p != '\0'; p++) {
        const char *start = p, *q;
        g_autoptr(GString) fixed = NULL;
        gboolean comma = FALSE, space = FALSE;

        if (!g_ascii_isdigit(*p) || (p > text && (g_ascii_isalnum(p[-1]) || p[-1] == '.' || p[-1] == '_')))
            continue;
        fixed = g_string_new(NULL);
        for (q = p; g_ascii_isdigit(*q) || *q == '.' ||
                    (*q == ',' && g_ascii_isdigit(q[1]) && g_ascii_isdigit(q[2]) && g_ascii_isdigit(q[3]));
             q++) {
            if (*q == ',')
                comma = TRUE;
            else
                g_string_append_c(fixed, *q);
        }
        while (*q == ' ') {
            space = TRUE;
            q++;
        }
        for (guint u = 0; units[u] != NULL && (comma || space); u++) {
            if (!g_str_has_prefix(q, units[u]))
                continue;
            return g_strdup_printf("%.*s%s: in a rules file write %s%s (%s)", (int)(q - start), start, units[u],
                                   fixed->str, units[u],
                                   comma ? "no thousands separators: a comma separates arguments"
                                         : "no space between the number and its unit");
        }
        p = q > p ? q - 1 : p;
    }
    return NULL;
}

gboolean
dx_load_expr_fail(DxLoader *l, const DxYamlNode *scalar, const char *path, GError *expr_error)
{
    guint col = 1, text_col;
    const char *msg = expr_error->message;
    int consumed = 0;
    g_autofree char *hint = NULL, *with_hint = NULL;

    if (sscanf(msg, "col %u: %n", &col, &consumed) >= 1 && consumed > 0)
        msg += consumed;
    if (expr_error->code == DX_ERROR_EXPR_SYNTAX && (hint = money_slip_hint(scalar->text)) != NULL)
        msg = with_hint = g_strdup_printf("%s; %s", msg, hint);
    if (scalar_is_verbatim(l, scalar, &text_col)) {
        DxYamlNode at = *scalar;

        at.col = text_col + col - 1;
        return dx_load_fail(l, &at, path, expr_error->code, "%s", msg);
    }
    return dx_load_fail(l, scalar, path, expr_error->code, "at column %u of the expression: %s", col, msg);
}

DxExprNode *
dx_load_compile_expr(DxLoader *l, const DxYamlNode *scalar, const char *path, DxType expect)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DxExprNode) node = NULL;

    if (!dx_load_expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return NULL;
    node = dx_expr_parse(scalar->text, (gssize)scalar->len, &l->opts.expr, &err);
    if (node == NULL || !dx_load_check_expr(l, node, expect, &err)) {
        dx_load_expr_fail(l, scalar, path, err);
        return NULL;
    }
    return g_steal_pointer(&node);
}

void
dx_load_collect_slots(const DxExprNode *node, guint **out, guint *n_out)
{
    g_autoptr(GArray) slots = g_array_new(FALSE, FALSE, sizeof(guint));

    dx_expr_collect_slots(node, slots);
    *n_out = slots->len;
    *out = (guint *)(void *)g_array_free(g_steal_pointer(&slots), FALSE);
}

/* A constant expression of @type, evaluated now. */
gboolean
dx_load_eval_constant(DxLoader *l, const DxYamlNode *scalar, const char *path, DxType type, DxValue *out)
{
    g_autoptr(DxExprNode) node = dx_load_compile_expr(l, scalar, path, type);
    DxEvalCtx ctx = { 0 };

    if (node == NULL)
        return FALSE;
    if (!dx_expr_is_constant(node))
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID,
                            l->format >= 2 ? "must be a constant, not use fields, parameters or received()"
                                           : "must be a constant, not use fields");
    if (dx_expr_eval(node, &ctx, out) != DX_EVAL_OK)
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "cannot be computed: %s",
                         dx_eval_error_to_string(ctx.err));
    return TRUE;
}

/* A constant money amount in whole fen (docs/rules.md §4), >= @min_fen. */
gboolean
dx_load_const_money(DxLoader *l, const DxYamlNode *scalar, const char *path, int64_t min_fen, int64_t *out)
{
    DxValue v;

    if (!dx_load_eval_constant(l, scalar, path, DX_TYPE_MONEY, &v))
        return FALSE;
    if (v.u.r.den != 1)
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "must be a whole number of fen (0.01元)");
    if (v.u.r.num < min_fen)
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "must be %s",
                         min_fen > 0 ? "greater than 0元" : "at least 0元");
    *out = (int64_t)v.u.r.num;
    return TRUE;
}

gboolean
dx_load_parse_bool(DxLoader *l, const DxYamlNode *scalar, const char *path, gboolean *out)
{
    if (!dx_load_expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return FALSE;
    if (strcmp(scalar->text, "true") == 0)
        *out = TRUE;
    else if (strcmp(scalar->text, "false") == 0)
        *out = FALSE;
    else
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID, "expected true or false, found “%s”",
                         scalar->text);
    return TRUE;
}

static gboolean
parse_date(DxLoader *l, const DxYamlNode *scalar, const char *path, gint32 *out)
{
    if (!dx_load_expect_kind(l, scalar, path, DX_YAML_SCALAR))
        return FALSE;
    if (!dx_date_parse(scalar->text, scalar->len, out))
        return dx_load_fail(l, scalar, path, DX_ERROR_RULES_INVALID,
                         "expected a real calendar date YYYY-MM-DD, found “%s”", scalar->text);
    return TRUE;
}

gboolean
dx_load_parse_text(DxLoader *l, const DxYamlNode *map, const char *key, const char *path, char **out)
{
    const DxYamlNode *n = dx_yaml_map_lookup(map, key);
    g_autofree char *p = dx_load_path_join(path, key);

    if (n == NULL)
        return TRUE;
    if (!dx_load_expect_kind(l, n, p, DX_YAML_SCALAR))
        return FALSE;
    g_free(*out);
    *out = g_strndup(n->text, n->len);
    return TRUE;
}

/* {from: D, to: D}, either end optional unless @both */
gboolean
dx_load_parse_period(DxLoader *l, const DxYamlNode *n, const char *path, gboolean both, gboolean *has_from,
             gint32 *from, gboolean *has_to, gint32 *to)
{
    static const char *const keys[] = { "from", "to", NULL };
    const DxYamlNode *f, *t;

    if (!dx_load_expect_kind(l, n, path, DX_YAML_MAP) ||
        !dx_load_check_keys(l, n, path, keys, both ? keys : NULL))
        return FALSE;
    f = dx_yaml_map_lookup(n, "from");
    t = dx_yaml_map_lookup(n, "to");
    if (f != NULL) {
        g_autofree char *p = dx_load_path_join(path, "from");
        if (!parse_date(l, f, p, from))
            return FALSE;
    }
    if (t != NULL) {
        g_autofree char *p = dx_load_path_join(path, "to");
        if (!parse_date(l, t, p, to))
            return FALSE;
    }
    *has_from = f != NULL;
    *has_to = t != NULL;
    if (f != NULL && t != NULL && *from > *to)
        return dx_load_fail(l, t, path, DX_ERROR_RULES_INVALID, "“to” is before “from”");
    return TRUE;
}
