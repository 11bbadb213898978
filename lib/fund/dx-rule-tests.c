/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rule tests (duixian test, dx-rule-tests.h): cases a policy analyst writes
 * in YAML, in the spirit of OpenFisca's tests: an application (fields by
 * name, alias or label), optionally an approval date (then a whole round,
 * else steps 1-6) and what-if settings, and what the decision must be:
 * status, computed and granted amounts written as in rules (元/万元), reason
 * codes, sentences. Each failing case is one line naming its file:line;
 * coverage lists each policy, clause (true and false), cap and award that
 * no case reached.
 */
#include "duixian/duixian.h"
#include "rules/dx-yaml-private.h"
#include "rules/dx-ruleset-private.h"
#include "decide/dx-decision-private.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
    char *file;
    guint line;
    char *name;
    char *approval_date;          /* (nullable) */
    GPtrArray *sets;              /* "NAME=VALUE" */
    GString *history;             /* (nullable) rows "policy,group,amount_fen,date" of the case's enterprise */
    GPtrArray *fields, *cells;    /* the application, in file order */
    char *policy;                 /* (nullable) which decision: expect.policy or application.policy */
    char *status;                 /* (nullable) each expectation, NULL when not given */
    char *computed, *granted;
    GPtrArray *reasons;           /* (nullable) */
    GPtrArray *messages;          /* (nullable) substrings */
    char *failure;                /* after the run: NULL when it passed */
} RuleCase;

/* What the cases reached, per policy: bit 0 reached, 1 award computed, 2
 * capped; per clause: bit 0 true, bit 1 false. */
struct _DxRuleTests {
    char *rules_path;
    DxRuleset *rs;
    GPtrArray *cases;             /* RuleCase* */
    guint8 *policy_seen;
    guint8 **clause_seen;
    guint n_failed;
    gboolean ran;
};

static void
rule_case_free(gpointer p)
{
    RuleCase *c = p;

    g_free(c->file);
    g_free(c->name);
    g_free(c->approval_date);
    g_ptr_array_unref(c->sets);
    if (c->history != NULL)
        g_string_free(c->history, TRUE);
    g_ptr_array_unref(c->fields);
    g_ptr_array_unref(c->cells);
    g_free(c->policy);
    g_free(c->status);
    g_free(c->computed);
    g_free(c->granted);
    if (c->reasons != NULL)
        g_ptr_array_unref(c->reasons);
    if (c->messages != NULL)
        g_ptr_array_unref(c->messages);
    g_free(c->failure);
    g_free(c);
}

DxRuleTests *
dx_rule_tests_new(const char *rules_path, GError **error)
{
    DxRuleTests *self;
    DxRuleset *rs;

    g_return_val_if_fail(rules_path != NULL, NULL);
    rs = dx_ruleset_load_file(rules_path, NULL, error);
    if (rs == NULL)
        return NULL;
    self = g_new0(DxRuleTests, 1);
    self->rules_path = g_strdup(rules_path);
    self->rs = rs;
    self->cases = g_ptr_array_new_with_free_func(rule_case_free);
    self->policy_seen = g_new0(guint8, MAX(rs->n_policies, 1));
    self->clause_seen = g_new0(guint8 *, MAX(rs->n_policies, 1));
    for (guint p = 0; p < rs->n_policies; p++)
        self->clause_seen[p] = g_new0(guint8, MAX(rs->policies[p].n_clauses, 1));
    return self;
}

void
dx_rule_tests_free(DxRuleTests *self)
{
    if (self == NULL)
        return;
    for (guint p = 0; p < self->rs->n_policies; p++)
        g_free(self->clause_seen[p]);
    g_free(self->clause_seen);
    g_free(self->policy_seen);
    g_ptr_array_unref(self->cases);
    dx_ruleset_unref(self->rs);
    g_free(self->rules_path);
    g_free(self);
}

static gboolean
tests_fail(GError **error, const char *file, const DxYamlNode *at, const char *what)
{
    g_set_error(error, DX_ERROR, DX_ERROR_RULES_INVALID, "%s:%u:%u: %s", file, at->line, at->col, what);
    return FALSE;
}

/* A scalar's text, or NULL (error set) when @n is not a scalar. */
static const char *
tests_scalar(const char *file, const DxYamlNode *n, const char *key, GError **error)
{
    g_autofree char *what = NULL;

    if (n->kind == DX_YAML_SCALAR)
        return n->text;
    what = g_strdup_printf("%s: expected a value, not a list or map", key);
    tests_fail(error, file, n, what);
    return NULL;
}

static GPtrArray *
tests_strings(const char *file, const DxYamlNode *n, const char *key, GError **error)
{
    GPtrArray *out;

    if (n->kind != DX_YAML_SEQ) {
        g_autofree char *what = g_strdup_printf("%s: expected a list", key);

        tests_fail(error, file, n, what);
        return NULL;
    }
    out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n->n_items; i++) {
        const char *s = tests_scalar(file, n->values[i], key, error);

        if (s == NULL) {
            g_ptr_array_unref(out);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(s));
    }
    return out;
}

static gboolean
tests_load_expect(RuleCase *c, const char *file, const DxYamlNode *e, GError **error)
{
    if (e->kind != DX_YAML_MAP)
        return tests_fail(error, file, e, "expect: expected a map (status, computed, granted, reasons, messages)");
    for (guint i = 0; i < e->n_items; i++) {
        const char *k = e->keys[i]->text;
        const DxYamlNode *v = e->values[i];
        char **slot = strcmp(k, "status") == 0     ? &c->status
                      : strcmp(k, "computed") == 0 ? &c->computed
                      : strcmp(k, "granted") == 0  ? &c->granted
                      : strcmp(k, "policy") == 0   ? &c->policy
                                                   : NULL;

        if (slot != NULL) {
            const char *s = tests_scalar(file, v, k, error);

            if (s == NULL)
                return FALSE;
            g_free(*slot);
            *slot = g_strdup(s);
        } else if (strcmp(k, "reasons") == 0) {
            if ((c->reasons = tests_strings(file, v, k, error)) == NULL)
                return FALSE;
        } else if (strcmp(k, "messages") == 0) {
            if ((c->messages = tests_strings(file, v, k, error)) == NULL)
                return FALSE;
        } else {
            g_autofree char *what = g_strdup_printf(
                "expect: unknown key “%s” (status, computed, granted, reasons, messages, policy)", k);

            return tests_fail(error, file, e->keys[i], what);
        }
    }
    return TRUE;
}

/* history: what the case's enterprise received before, from outside the
 * fund: [{policy: P, group: G, amount: 100万元, date: D}], kept as the rows
 * of a history file (docs/rules.md; the enterprise column is added when
 * the case runs). */
static gboolean
tests_load_history(RuleCase *c, const char *file, const DxYamlNode *v, GError **error)
{
    if (v->kind != DX_YAML_SEQ)
        return tests_fail(error, file, v, "history: a list of {policy, group, amount, date}");
    c->history = g_string_new(NULL);
    for (guint i = 0; i < v->n_items; i++) {
        const DxYamlNode *h = v->values[i], *pol, *grp, *amt, *day;
        int64_t fen = 0;

        if (h->kind != DX_YAML_MAP || (amt = dx_yaml_map_lookup(h, "amount")) == NULL ||
            (day = dx_yaml_map_lookup(h, "date")) == NULL || amt->kind != DX_YAML_SCALAR ||
            day->kind != DX_YAML_SCALAR || !dx_money_parse(amt->text, &fen, NULL))
            return tests_fail(error, file, h, "history: each entry is {policy, group, amount (e.g. 100万元), date}");
        pol = dx_yaml_map_lookup(h, "policy");
        grp = dx_yaml_map_lookup(h, "group");
        if ((pol != NULL && pol->kind != DX_YAML_SCALAR) || (grp != NULL && grp->kind != DX_YAML_SCALAR) ||
            strpbrk(pol != NULL ? pol->text : "", ",\"\n") != NULL ||
            strpbrk(grp != NULL ? grp->text : "", ",\"\n") != NULL)
            return tests_fail(error, file, h, "history: policy and group are plain words");
        g_string_append_printf(c->history, "%s,%s,%" G_GINT64_FORMAT ",%s\n", pol != NULL ? pol->text : "",
                               grp != NULL ? grp->text : "", fen, day->text);
    }
    return TRUE;
}

static gboolean
tests_load_case(DxRuleTests *self, const char *file, const DxYamlNode *n, GError **error)
{
    g_autoptr(GPtrArray) hold = g_ptr_array_new_with_free_func(rule_case_free);
    RuleCase *c = g_new0(RuleCase, 1);
    const DxYamlNode *v;

    g_ptr_array_add(hold, c);
    c->file = g_strdup(file);
    c->line = n->line;
    c->sets = g_ptr_array_new_with_free_func(g_free);
    c->fields = g_ptr_array_new_with_free_func(g_free);
    c->cells = g_ptr_array_new_with_free_func(g_free);
    if (n->kind != DX_YAML_MAP)
        return tests_fail(error, file, n, "a case is a map (name, application, expect, …)");
    for (guint i = 0; i < n->n_items; i++) {
        static const char *const known[] = { "name", "application", "expect", "approval_date", "set", "history",
                                             NULL };

        if (!g_strv_contains(known, n->keys[i]->text)) {
            g_autofree char *what = g_strdup_printf(
                "unknown key “%s” (name, application, expect, approval_date, set, history)", n->keys[i]->text);

            return tests_fail(error, file, n->keys[i], what);
        }
    }
    if ((v = dx_yaml_map_lookup(n, "name")) == NULL || tests_scalar(file, v, "name", error) == NULL)
        return v == NULL ? tests_fail(error, file, n, "a case needs a name") : FALSE;
    c->name = g_strdup(v->text);
    if ((v = dx_yaml_map_lookup(n, "approval_date")) != NULL) {
        if (tests_scalar(file, v, "approval_date", error) == NULL)
            return FALSE;
        c->approval_date = g_strdup(v->text);
    }
    if ((v = dx_yaml_map_lookup(n, "set")) != NULL) {
        if (v->kind != DX_YAML_MAP)
            return tests_fail(error, file, v, "set: expected a map of parameter: value");
        for (guint i = 0; i < v->n_items; i++) {
            if (tests_scalar(file, v->values[i], v->keys[i]->text, error) == NULL)
                return FALSE;
            g_ptr_array_add(c->sets, g_strdup_printf("%s=%s", v->keys[i]->text, v->values[i]->text));
        }
    }
    if ((v = dx_yaml_map_lookup(n, "history")) != NULL && !tests_load_history(c, file, v, error))
        return FALSE;
    if ((v = dx_yaml_map_lookup(n, "application")) == NULL || v->kind != DX_YAML_MAP)
        return tests_fail(error, file, v != NULL ? v : n, "a case needs an application: a map of field: value");
    for (guint i = 0; i < v->n_items; i++) {
        if (tests_scalar(file, v->values[i], v->keys[i]->text, error) == NULL)
            return FALSE;
        g_ptr_array_add(c->fields, g_strdup(v->keys[i]->text));
        g_ptr_array_add(c->cells, g_strdup(v->values[i]->text));
        if (strcmp(v->keys[i]->text, "policy") == 0)
            c->policy = g_strdup(v->values[i]->text);
    }
    if ((v = dx_yaml_map_lookup(n, "expect")) == NULL)
        return tests_fail(error, file, n, "a case needs expect: what the decision must be");
    if (!tests_load_expect(c, file, v, error))
        return FALSE;
    g_ptr_array_add(self->cases, g_ptr_array_steal_index(hold, 0));
    return TRUE;
}

gboolean
dx_rule_tests_add_file(DxRuleTests *self, const char *path, GError **error)
{
    g_autoptr(DxYamlDoc) doc = NULL;
    const DxYamlNode *root;

    g_return_val_if_fail(self != NULL && path != NULL && !self->ran, FALSE);
    doc = dx_yaml_parse_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    root = dx_yaml_doc_get_root(doc);
    if (root == NULL || root->kind != DX_YAML_SEQ) {
        g_set_error(error, DX_ERROR, DX_ERROR_RULES_INVALID, "%s:1:1: a tests file is a list of cases", path);
        return FALSE;
    }
    for (guint i = 0; i < root->n_items; i++) {
        if (!tests_load_case(self, path, root->values[i], error))
            return FALSE;
    }
    return TRUE;
}

/* Marks what the decision @d reached (coverage). */
static void
tests_cover(DxRuleTests *self, const DxDecision *d)
{
    const DxPolicy *pol;
    gboolean passed = FALSE;

    if (d->policy < 0)
        return;
    pol = &self->rs->policies[d->policy];
    self->policy_seen[d->policy] |= 1;
    for (guint i = 0; i < d->n_reasons; i++) {
        const DxReason *r = &g_array_index(d->list->reasons, DxReason, d->reason_first + i);

        if (r->code == DX_REASON_CLAUSE_FAILED && r->index >= 0 && (guint)r->index < pol->n_clauses)
            self->clause_seen[d->policy][r->index] |= 2;
        if ((r->code >= DX_REASON_AWARD_FIXED && r->code <= DX_REASON_AWARD_FORMULA) || r->code == DX_REASON_AWARD_ZERO ||
            r->code == DX_REASON_RANK_OUT) {
            passed = TRUE;
            self->policy_seen[d->policy] |= 2;
        }
        if (r->code == DX_REASON_CAPPED)
            self->policy_seen[d->policy] |= 4;
    }
    if (passed) {
        for (guint c = 0; c < pol->n_clauses; c++)
            self->clause_seen[d->policy][c] |= 1;
    }
}

/* "status: expected X, got Y" parts, joined; NULL when all hold. */
static char *
tests_compare(const RuleCase *c, const DxDecision *d)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const char *got = dx_status_to_string(dx_decision_get_status(d));
    size_t n = dx_decision_get_n_reasons(d);

    if (c->status != NULL && strcmp(c->status, got) != 0)
        g_string_append_printf(out, "; status: expected %s, got %s", c->status, got);
    for (int k = 0; k < 2; k++) {
        const char *want = k == 0 ? c->computed : c->granted;
        int64_t have = k == 0 ? dx_decision_get_computed_fen(d) : dx_decision_get_granted_fen(d);
        int64_t fen = 0;

        if (want == NULL)
            continue;
        if (!dx_money_parse(want, &fen, NULL)) {
            g_string_append_printf(out, "; %s: “%s” is not an amount", k == 0 ? "computed" : "granted", want);
        } else if (fen != have) {
            g_autofree char *a = dx_money_format(fen), *b = dx_money_format(have);

            g_string_append_printf(out, "; %s: expected %s, got %s", k == 0 ? "computed" : "granted", a, b);
        }
    }
    if (c->reasons != NULL) {
        g_autoptr(GString) have = g_string_new(NULL), want = g_string_new(NULL);

        for (size_t i = 0; i < n; i++)
            g_string_append_printf(have, "%s%s", i > 0 ? ";" : "", dx_reason_code_to_string(dx_decision_get_reason_code(d, i)));
        for (guint i = 0; i < c->reasons->len; i++)
            g_string_append_printf(want, "%s%s", i > 0 ? ";" : "", (char *)g_ptr_array_index(c->reasons, i));
        if (strcmp(have->str, want->str) != 0)
            g_string_append_printf(out, "; reasons: expected %s, got %s", want->str, have->len > 0 ? have->str : "(none)");
    }
    for (guint m = 0; c->messages != NULL && m < c->messages->len; m++) {
        const char *want = g_ptr_array_index(c->messages, m);
        gboolean found = FALSE;

        for (size_t i = 0; i < n && !found; i++) {
            g_autofree char *msg = dx_decision_dup_reason_message(d, i);

            found = strstr(msg, want) != NULL;
        }
        if (!found)
            g_string_append_printf(out, "; messages: no reason says “%s”", want);
    }
    return out->len > 0 ? g_strdup(out->str + 2) : NULL;
}

/* The case's history as a temporary history file for @round. */
static gboolean
tests_add_history(DxRound *round, const RuleCase *c, const char *ent, GError **error)
{
    g_autoptr(GString) csv = g_string_new("enterprise_id,policy_id,group,amount_fen,date\n");
    g_autofree char *dir = g_dir_make_tmp("duixian-test-XXXXXX", error);
    g_autofree char *path = NULL;
    g_auto(GStrv) rows = NULL;
    gboolean ok;

    if (dir == NULL)
        return FALSE;
    rows = g_strsplit(c->history->str, "\n", -1);
    for (guint i = 0; rows[i] != NULL && rows[i][0] != '\0'; i++)
        g_string_append_printf(csv, "%s,%s\n", ent, rows[i]);
    path = g_build_filename(dir, "history.csv", NULL);
    ok = g_file_set_contents(path, csv->str, (gssize)csv->len, error) && dx_round_add_history_file(round, path, error);
    g_unlink(path);
    g_rmdir(dir);
    return ok;
}

/* Decides case @c; its failure (or NULL) in c->failure. */
static void
tests_run_case(DxRuleTests *self, RuleCase *c, guint number)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxApplication) app = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(DxDecisionList) list = NULL;
    const DxDecision *d = NULL;
    gboolean has_app_id = FALSE;
    g_autofree char *enterprise = NULL;
    guint n_match = 0;

    if (c->sets->len > 0) {
        g_autoptr(DxLoadOptions) opts = dx_load_options_new();

        for (guint i = 0; i < c->sets->len; i++)
            dx_load_options_add_override(opts, g_ptr_array_index(c->sets, i), NULL);
        rs = dx_ruleset_load_file(self->rules_path, opts, &error);
        if (rs == NULL) {
            c->failure = g_strdup(error->message);
            return;
        }
    } else {
        rs = dx_ruleset_ref(self->rs);
    }
    app = dx_application_new(rs);
    for (guint i = 0; i < c->fields->len; i++) {
        const char *f = g_ptr_array_index(c->fields, i);

        has_app_id |= strcmp(f, "app_id") == 0;
        if (strcmp(f, "enterprise_id") == 0) {
            g_free(enterprise);
            enterprise = g_strdup(g_ptr_array_index(c->cells, i));
        }
        if (!dx_application_set(app, f, g_ptr_array_index(c->cells, i), &error) &&
            g_error_matches(error, DX_ERROR, DX_ERROR_UNKNOWN_FIELD)) {
            c->failure = g_strdup_printf("application.%s: %s", f, error->message);
            return;
        }
        g_clear_error(&error);
    }
    /* a case need not invent ids: each gets its own */
    if (!has_app_id) {
        g_autofree char *id = g_strdup_printf("TEST-%05u", number);

        dx_application_set(app, "app_id", id, NULL);
    }
    if (enterprise == NULL) {
        enterprise = g_strdup_printf("TEST-E%05u", number);
        dx_application_set(app, "enterprise_id", enterprise, NULL);
    }
    batch = dx_batch_new(rs);
    dx_batch_add_application(batch, app);
    if (c->history != NULL && c->approval_date == NULL) {
        c->failure = g_strdup("history needs approval_date: it is read by a round");
        return;
    }
    if (c->approval_date != NULL) {
        round = dx_round_new(rs, c->approval_date, &error);
        if (round != NULL && c->history != NULL && !tests_add_history(round, c, enterprise, &error))
            round = (dx_round_free(round), NULL);
        if (round == NULL || !dx_round_run(round, batch, &error)) {
            c->failure = g_strdup(error->message);
            return;
        }
        list = dx_decision_list_ref(dx_round_get_decisions(round));
    } else {
        list = dx_batch_decide(batch);
    }
    for (size_t i = 0; i < dx_decision_list_get_n_items(list); i++) {
        const DxDecision *e = dx_decision_list_get_item(list, i);

        tests_cover(self, e);
        if (c->policy == NULL || strcmp(dx_decision_get_policy_id(e), c->policy) == 0) {
            d = e;
            n_match++;
        }
    }
    if (n_match == 0) {
        c->failure = g_strdup_printf("no decision%s%s", c->policy != NULL ? " for " : "",
                                     c->policy != NULL ? c->policy : "");
        return;
    }
    if (n_match > 1) {
        c->failure = g_strdup_printf("%u decisions: say expect.policy", n_match);
        return;
    }
    c->failure = tests_compare(c, d);
}

gboolean
dx_rule_tests_run(DxRuleTests *self)
{
    g_return_val_if_fail(self != NULL && !self->ran, FALSE);
    for (guint i = 0; i < self->cases->len; i++) {
        RuleCase *c = g_ptr_array_index(self->cases, i);

        tests_run_case(self, c, i + 1);
        self->n_failed += c->failure != NULL;
    }
    self->ran = TRUE;
    return self->n_failed == 0;
}

size_t
dx_rule_tests_get_n_cases(DxRuleTests *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->cases->len;
}

size_t
dx_rule_tests_get_n_failed(DxRuleTests *self)
{
    g_return_val_if_fail(self != NULL && self->ran, 0);
    return self->n_failed;
}

char *
dx_rule_tests_dup_report(DxRuleTests *self)
{
    GString *out = g_string_new(NULL);

    g_return_val_if_fail(self != NULL && self->ran, NULL);
    for (guint i = 0; i < self->cases->len; i++) {
        const RuleCase *c = g_ptr_array_index(self->cases, i);

        if (c->failure != NULL)
            g_string_append_printf(out, "%s:%u: %s: %s\n", c->file, c->line, c->name, c->failure);
    }
    g_string_append_printf(out, "%u passed, %u failed\n", self->cases->len - self->n_failed, self->n_failed);
    return g_string_free(out, FALSE);
}

static void
xml_text(GString *out, const char *s)
{
    g_autofree char *e = g_markup_escape_text(s, -1);

    g_string_append(out, e);
}

char *
dx_rule_tests_dup_junit(DxRuleTests *self)
{
    GString *out = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    g_return_val_if_fail(self != NULL && self->ran, NULL);
    g_string_append_printf(out, "<testsuites tests=\"%u\" failures=\"%u\">\n<testsuite name=\"", self->cases->len,
                           self->n_failed);
    xml_text(out, self->rules_path);
    g_string_append_printf(out, "\" tests=\"%u\" failures=\"%u\">\n", self->cases->len, self->n_failed);
    for (guint i = 0; i < self->cases->len; i++) {
        const RuleCase *c = g_ptr_array_index(self->cases, i);
        g_autofree char *where = g_strdup_printf("%s:%u", c->file, c->line);

        g_string_append(out, "  <testcase classname=\"");
        xml_text(out, where);
        g_string_append(out, "\" name=\"");
        xml_text(out, c->name);
        if (c->failure == NULL) {
            g_string_append(out, "\"/>\n");
            continue;
        }
        g_string_append(out, "\">\n    <failure message=\"");
        xml_text(out, c->failure);
        g_string_append(out, "\"/>\n  </testcase>\n");
    }
    g_string_append(out, "</testsuite>\n</testsuites>\n");
    return g_string_free(out, FALSE);
}

char *
dx_rule_tests_dup_coverage(DxRuleTests *self, size_t *n_uncovered)
{
    GString *out = g_string_new(NULL);
    size_t n = 0;

    g_return_val_if_fail(self != NULL && self->ran, NULL);
    for (guint p = 0; p < self->rs->n_policies; p++) {
        const DxPolicy *pol = &self->rs->policies[p];

#define UNCOVERED(...) (n++, g_string_append_printf(out, "%s: %s: ", self->rules_path, pol->id), \
                        g_string_append_printf(out, __VA_ARGS__), g_string_append_c(out, '\n'))
        if (!(self->policy_seen[p] & 1)) {
            UNCOVERED("no case decides this policy");
            continue;
        }
        if (!(self->policy_seen[p] & 2))
            UNCOVERED("no case computes its award");
        if (pol->cap != NULL && !(self->policy_seen[p] & 4))
            UNCOVERED("no case reaches its cap");
        for (guint c = 0; c < pol->n_clauses; c++) {
            if (!(self->clause_seen[p][c] & 1))
                UNCOVERED("clause “%s” is never true", pol->clauses[c].name);
            if (!(self->clause_seen[p][c] & 2))
                UNCOVERED("clause “%s” is never false", pol->clauses[c].name);
        }
#undef UNCOVERED
    }
    if (n_uncovered != NULL)
        *n_uncovered = n;
    return g_string_free(out, FALSE);
}
