/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxPriorBook (see dx-prior-private.h): small hash tables keyed by
 * "enterprise\x1fpolicy", "enterprise\x1fgroup" and enterprise. The book is
 * built once per round from the ledger and the history file and only read
 * while the round is computed.
 */
#include "input/dx-prior-private.h"

#include <string.h>

typedef struct {
    int64_t award_fen;
    int taken;                 /* grants minus revocations */
} DxPriorPolicy;

struct _DxPriorBook {
    GHashTable *policy;        /* "ent\x1fpolicy" -> DxPriorPolicy* */
    GHashTable *group;         /* "ent\x1fgroup" -> int64_t* */
    GHashTable *fund;          /* ent -> int64_t* */
    GHashTable *envelope;      /* key -> int64_t* */
    GHashTable *paid_apps;     /* set of app ids */
};

DxPriorBook *
dx_prior_book_new(void)
{
    DxPriorBook *b = g_new0(DxPriorBook, 1);

    b->policy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b->group = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b->fund = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b->envelope = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b->paid_apps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return b;
}

void
dx_prior_book_free(DxPriorBook *b)
{
    if (b == NULL)
        return;
    g_hash_table_unref(b->policy);
    g_hash_table_unref(b->group);
    g_hash_table_unref(b->fund);
    g_hash_table_unref(b->envelope);
    g_hash_table_unref(b->paid_apps);
    g_free(b);
}

static int64_t *
book_counter(GHashTable *t, const char *key)
{
    int64_t *v = g_hash_table_lookup(t, key);

    if (v == NULL) {
        v = g_new0(int64_t, 1);
        g_hash_table_insert(t, g_strdup(key), v);
    }
    return v;
}

static char *
book_key(const char *a, const char *b)
{
    return g_strconcat(a, "\x1f", b, NULL);
}

void
dx_prior_book_add_award(DxPriorBook *b, const char *enterprise_id, const char *policy_id, const char *group_key,
                        int64_t award_fen, int64_t charged_fen, int taken_delta)
{
    g_autofree char *pk = book_key(enterprise_id, policy_id);
    DxPriorPolicy *p = g_hash_table_lookup(b->policy, pk);

    if (p == NULL) {
        p = g_new0(DxPriorPolicy, 1);
        g_hash_table_insert(b->policy, g_strdup(pk), p);
    }
    p->award_fen += award_fen;
    p->taken += taken_delta;
    if (group_key != NULL && *group_key != '\0') {
        g_autofree char *gk = book_key(enterprise_id, group_key);
        *book_counter(b->group, gk) += award_fen;
    }
    if (charged_fen != 0)
        *book_counter(b->fund, enterprise_id) += charged_fen;
}

void
dx_prior_book_add_fund_credit(DxPriorBook *b, const char *enterprise_id, int64_t fen)
{
    *book_counter(b->fund, enterprise_id) -= fen;
}

void
dx_prior_book_add_paid_app(DxPriorBook *b, const char *app_id)
{
    g_hash_table_add(b->paid_apps, g_strdup(app_id));
}

void
dx_prior_book_add_envelope_charge(DxPriorBook *b, const char *envelope_key, int64_t fen)
{
    *book_counter(b->envelope, envelope_key) += fen;
}

void
dx_prior_book_get_policy(const DxPriorBook *b, const char *enterprise_id, const char *policy_id,
                         int64_t *received_fen, gboolean *taken)
{
    g_autofree char *pk = book_key(enterprise_id, policy_id);
    const DxPriorPolicy *p = g_hash_table_lookup(b->policy, pk);

    *received_fen = p != NULL ? p->award_fen : 0;
    *taken = p != NULL && p->taken > 0;
}

int64_t
dx_prior_book_get_group_held(const DxPriorBook *b, const char *enterprise_id, const char *group_key)
{
    g_autofree char *gk = book_key(enterprise_id, group_key);
    const int64_t *v = g_hash_table_lookup(b->group, gk);

    return v != NULL ? *v : 0;
}

int64_t
dx_prior_book_get_fund_charged(const DxPriorBook *b, const char *enterprise_id)
{
    const int64_t *v = g_hash_table_lookup(b->fund, enterprise_id);

    return v != NULL ? *v : 0;
}

int64_t
dx_prior_book_get_envelope_charged(const DxPriorBook *b, const char *envelope_key)
{
    const int64_t *v = g_hash_table_lookup(b->envelope, envelope_key);

    return v != NULL ? *v : 0;
}

gboolean
dx_prior_book_has_paid_app(const DxPriorBook *b, const char *app_id)
{
    return g_hash_table_contains(b->paid_apps, app_id);
}
