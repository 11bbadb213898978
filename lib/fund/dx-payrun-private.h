/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inside a payment run (dx-payrun.c): the check of one installment line
 * against its `requires` (docs/rules.md §13), in dx-payrun-check.c.
 */
#pragma once

#include <glib.h>
#include "rules/dx-ruleset-private.h"
#include "duixian/dx-payrun.h"
#include "input/dx-checks-private.h"
#include "input/dx-prior-private.h"
#include "ledger/dx-ledger-lines-private.h"

/* Inside a run: dx-payrun.c decides, dx-payrun-write.c writes. */
typedef struct {
    const DxLedgerLine *line;
    DxSettleKind kind;
    const char *reasons;  /* codes joined by ';' (the run's string chunk) */
    const char *text;     /* the Chinese sentences, "" for a paid line */
    gboolean decided;     /* this run has decided it (forfeit_rest decides later lines early) */
} PayLine;

struct _DxPayrun {
    DxRuleset *rs;
    DxLedger *ledger;
    char *through;
    gint32 day;
    DxLedgerLines lines;
    GArray *out;          /* PayLine, schedule order */
    DxChecks *checks;     /* (nullable) */
    DxPriorBook *book;    /* history files; the ledger is added when the run reads it */
    GPtrArray *history_hashes;
    GHashTable *received; /* enterprise_id -> int64_t[n_received_keys] */
    GStringChunk *strings;
    DxPayrunTotals total;
    gint64 id;
    gboolean ran;
    gboolean pending;     /* decided and appended in the open transaction, not yet committed */
    char *json;           /* payments.json, made once when decided: the ledger keeps it too */
};

/* The policy of @id in @rs, or NULL. */
G_GNUC_INTERNAL const DxPolicy *dx_payrun_policy(const DxRuleset *rs, const char *id);

/* TRUE when @ledger holds a round of @fund_id; else FALSE with @error set
 * (DX_ERROR_LEDGER, "@what: the ledger holds no round of fund ..."). */
G_GNUC_INTERNAL gboolean dx_payrun_fund_known(DxLedger *ledger, const char *fund_id, const char *what,
                                              GError **error);

/* Decides line @k of @of of @pol (1-based) for the enterprise whose checks
 * row is @row (NULL: it has none) with parameters in force on @day and
 * @received (fen per ruleset received key, this enterprise's; may be NULL
 * when the ruleset has none):
 *
 *   no requires                 paid
 *   no row                      held       requirement_missing
 *   a clause in error           held       eval_error per clause in error
 *   else a clause false         forfeited  requirement_failed per false clause
 *   else a clause unknown       held       requirement_missing per missing field
 *   else                        paid
 *
 * Appends the reason codes, joined by ';', to @codes and the Chinese
 * sentences, joined by '；', to @text. *forfeit_rest is set when the line
 * is forfeited and its installment says on_fail: forfeit_rest. */
G_GNUC_INTERNAL DxSettleKind dx_payrun_check_line(const DxRuleset *rs, const DxPolicy *pol, guint k, guint of,
                                                  const DxChecksRow *row, gint32 day, const int64_t *received,
                                                  GString *codes, GString *text, gboolean *forfeit_rest);
