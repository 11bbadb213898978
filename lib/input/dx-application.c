/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxApplication: typed values for one ruleset's slots. Setting a value by
 * name goes through the same cell grammar as CSV input, so an application
 * built through the API decides exactly as the same row in a file would.
 */
#include "duixian/duixian.h"
#include "input/dx-application-private.h"
#include "base/dx-cell-private.h"
#include "base/dx-money-private.h"

#include <string.h>

DxApplication *
dx_application_new(DxRuleset *ruleset)
{
    DxApplication *app;

    g_return_val_if_fail(ruleset != NULL, NULL);
    app = g_new0(DxApplication, 1);
    app->rs = dx_ruleset_ref(ruleset);
    app->slots = g_new0(DxValue, ruleset->n_fields);
    app->present = g_new0(guint8, ruleset->n_fields);
    app->texts = g_string_chunk_new(256);
    app->problems = g_array_new(FALSE, FALSE, sizeof(DxCellProblem));
    app->policy = -1;
    return app;
}

void
dx_application_reset(DxApplication *app)
{
    memset(app->present, 0, app->rs->n_fields);
    for (guint i = 0; i < app->problems->len; i++)
        g_free(g_array_index(app->problems, DxCellProblem, i).message);
    g_array_set_size(app->problems, 0);
    app->row = 0;
}

void
dx_application_clear(DxApplication *self)
{
    g_return_if_fail(self != NULL);
    dx_application_reset(self);
    g_string_chunk_clear(self->texts);
}

void
dx_application_free(DxApplication *self)
{
    if (self == NULL)
        return;
    dx_application_reset(self);
    g_array_unref(self->problems);
    g_string_chunk_free(self->texts);
    g_free(self->slots);
    g_free(self->present);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

void
dx_application_add_problem(DxApplication *app, guint slot, guint column, const char *fmt, ...)
{
    DxCellProblem p = { slot, column, NULL };
    va_list ap;

    va_start(ap, fmt);
    p.message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_array_append_val(app->problems, p);
}

/* A value in a sentence about a bound (§9): money in 万元 from 1万元 up. */
static char *
bound_display(const DxValue *v)
{
    if (v->type == DX_TYPE_MONEY && v->u.r.den == 1)
        return dx_money_format_cell((int64_t)v->u.r.num);
    return dx_value_to_display(v, FALSE);
}

gboolean
dx_application_set_slot_cell(DxApplication *app, guint slot, const char *cell, gsize len, gboolean copy,
                             guint column, const char **why)
{
    const DxField *f = &app->rs->fields[slot];
    gsize tlen = len;
    const char *t = dx_cell_trim(cell, &tlen);
    DxValue v;

    app->present[slot] = 0;
    if (tlen == 0)
        return TRUE;   /* missing: the field's default, if any, applies at decision time */
    if (f->type == DX_FIELD_TEXT) {
        t = cell;   /* text cells are taken verbatim */
        tlen = len;
        if (copy)
            t = g_string_chunk_insert_len(app->texts, cell, (gssize)len);
    }
    if (!dx_cell_parse_ex(f->type, t, tlen, app->rs->format >= 2 ? DX_CELL_BOOL_ZH : 0, &v, why)) {
        gint32 day;
        int shown = (int)MIN(len, 200);

        /* both languages, split at DX_BILINGUAL_SEP when explained: a
         * Chinese sentence must not end in English */
        if (f->type == DX_FIELD_DATE && dx_date_suggest(t, tlen, &day)) {
            char iso[16];

            dx_date_format(day, iso);
            dx_application_add_problem(app, slot, column,
                                       "“%.*s”不是 YYYY-MM-DD 格式的日期，应写作 %s%c"
                                       "“%.*s” is not a date written YYYY-MM-DD: write %s",
                                       shown, cell, iso, DX_BILINGUAL_SEP, shown, cell, iso);
        } else {
            const char *zh = dx_cell_why_zh(*why);

            dx_application_add_problem(app, slot, column, "“%.*s”：%s%c“%.*s”: %s", shown, cell,
                                       zh != NULL ? zh : *why, DX_BILINGUAL_SEP, shown, cell, *why);
        }
        return FALSE;
    }
    if (G_UNLIKELY(f->has_min || f->has_max)) {
        /* §9: outside [min, max] is a bad cell, naming the bound */
        gboolean low = f->has_min && dx_value_cmp(&v, &f->min_value) < 0;

        if (low || (f->has_max && dx_value_cmp(&v, &f->max_value) > 0)) {
            g_autofree char *vs = bound_display(&v);
            g_autofree char *bs = bound_display(low ? &f->min_value : &f->max_value);

            *why = low ? "below the field's min" : "above the field's max";
            dx_application_add_problem(app, slot, column, "「%s」为 %s，%s %s%c“%s” is %s, %s %s", f->label, vs,
                                       low ? "不得小于" : "不得大于", bs, DX_BILINGUAL_SEP, f->label, vs,
                                       low ? "below the minimum" : "above the maximum", bs);
            return FALSE;
        }
    }
    app->slots[slot] = v;
    app->present[slot] = 1;
    if (slot == DX_SLOT_POLICY)   /* once here, not each time it is decided */
        app->policy = dx_ruleset_find_policy(app->rs, v.u.t.s);
    return TRUE;
}

void
dx_application_own_texts(DxApplication *app)
{
    for (guint slot = 0; slot < app->rs->n_fields; slot++) {
        DxValue *v = &app->slots[slot];

        if (app->present[slot] && v->type == DX_TYPE_TEXT)
            v->u.t.s = g_string_chunk_insert_len(app->texts, v->u.t.s, (gssize)v->u.t.len);
    }
}

gboolean
dx_application_has_value(const DxApplication *self, const char *field)
{
    const DxField *f;

    g_return_val_if_fail(self != NULL && field != NULL, FALSE);
    f = dx_ruleset_find_column(self->rs, field);
    return f != NULL && self->present[f->ref.slot];
}

/* A setter replaces the field's value, so a problem recorded for an
 * earlier value of the field no longer applies. */
static void
application_forget_problems(DxApplication *app, guint slot)
{
    for (guint i = app->problems->len; i-- > 0;) {
        DxCellProblem *p = &g_array_index(app->problems, DxCellProblem, i);

        if (p->slot == slot) {
            g_free(p->message);
            g_array_remove_index(app->problems, i);
        }
    }
}

static const DxField *
application_field(DxApplication *self, const char *field, GError **error)
{
    const DxField *f = dx_ruleset_find_column(self->rs, field);

    if (f == NULL)
        g_set_error(error, DX_ERROR, DX_ERROR_UNKNOWN_FIELD, "the ruleset has no field “%s”", field);
    return f;
}

gboolean
dx_application_set(DxApplication *self, const char *field, const char *cell, GError **error)
{
    const DxField *f;
    const char *why = NULL;
    guint slot;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(field != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    f = application_field(self, field, error);
    if (f == NULL)
        return FALSE;
    slot = f->ref.slot;
    application_forget_problems(self, slot);
    if (cell == NULL) {
        self->present[slot] = 0;
        return TRUE;
    }
    if (!g_utf8_validate(cell, -1, NULL)) {
        dx_application_add_problem(self, slot, 0, "not valid UTF-8 text");
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: not valid UTF-8 text", f->name);
        return FALSE;
    }
    if (!dx_application_set_slot_cell(self, slot, cell, strlen(cell), TRUE, 0, &why)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: “%s” is not a valid %s: %s", f->name,
                    cell, dx_type_name(f->ref.type), why);
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_application_set_money_fen(DxApplication *self, const char *field, int64_t fen, GError **error)
{
    const DxField *f;

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(field != NULL, FALSE);

    f = application_field(self, field, error);
    if (f == NULL)
        return FALSE;
    if (f->type != DX_FIELD_MONEY || fen > DX_MONEY_MAX_FEN || fen < -DX_MONEY_MAX_FEN) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s: %s", f->name,
                    f->type != DX_FIELD_MONEY ? "not a money field" : "amount beyond 10^13 元");
        return FALSE;
    }
    application_forget_problems(self, f->ref.slot);
    self->slots[f->ref.slot].type = DX_TYPE_MONEY;
    self->slots[f->ref.slot].u.r = dx_rat_int(fen);
    self->present[f->ref.slot] = 1;
    return TRUE;
}
