/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The money after the decision (docs/rules.md §13, §15): every installment
 * line of every grant the ledger holds, and the payment runs that settle
 * them. A round's decisions entries already hold each grant's schedule
 * ("1/2 2022-06-30 5000000;..."), so a line needs no row of its own: it
 * is (decisions entry, place of the grant there, installment number), and
 * it is *scheduled* until a payment run's entry says otherwise. A payment
 * run is a `payrun` header followed by `payments` entries, each holding up
 * to LEDGER_CHUNK settlement records:
 *
 *   record = ref_seq:uint ref_index:uint installment:uint kind:uint amount_fen:uint
 *            enterprise_id:str envelope:str reasons:str
 *   kind   = 0 held, 1 paid, 2 forfeited
 *
 * (uint and str as in a decisions entry, dx-ledger.c). A line is settled
 * once: paid or forfeited by the first record that says so; a revocation
 * cancels every line of its grant still scheduled. Nothing is updated in
 * place: the state of a line is what the entries after its round say.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "duixian/dx-ledger.h"
#include "input/dx-prior-private.h"

typedef enum {
    DX_LINE_SCHEDULED,
    DX_LINE_PAID,
    DX_LINE_FORFEITED,
    DX_LINE_CANCELLED,
} DxLineState;

/* ORDER: the record's kind, as stored */
typedef enum {
    DX_SETTLE_HELD = 0,
    DX_SETTLE_PAID = 1,
    DX_SETTLE_FORFEITED = 2,
} DxSettleKind;

typedef struct {
    gint64 ref_seq;              /* the decisions entry holding the grant */
    guint32 ref_index;           /* the grant's place in it, from 0 */
    guint32 installment, of;     /* k of n */
    gint32 day;                  /* the line's date (days, dx_date_*) */
    gint32 approval_day;         /* the round's approval date */
    int64_t amount_fen;
    gint64 round_id;
    /* owned by the DxLedgerLines' string chunk */
    const char *app_id, *enterprise_id, *policy_id, *bureau, *envelope;
    DxLineState state;
    gint64 held_by;              /* the payment run that held it last, 0 if none */
    gint64 settled_by;           /* the payment run (or revoke entry) that settled it, 0 if scheduled */
} DxLedgerLine;

typedef struct {
    GArray *lines;               /* DxLedgerLine, by (ref_seq, ref_index, installment) */
    GStringChunk *strings;
    gint64 last_payrun;          /* seq of the latest payment run, 0 if none */
} DxLedgerLines;

G_GNUC_INTERNAL void dx_ledger_lines_init(DxLedgerLines *lines);
G_GNUC_INTERNAL void dx_ledger_lines_clear(DxLedgerLines *lines);

/* Reads every line of @fund_id's grants (revoked ones included, their
 * open lines cancelled) with its state. Runs inside the caller's
 * transaction when there is one, so that what it reads cannot change
 * before a payment run commits. */
G_GNUC_INTERNAL gboolean dx_ledger_read_lines(DxLedger *self, const char *fund_id, DxLedgerLines *lines,
                                              GError **error);

/* The line (@ref_seq, @ref_index, @installment), or NULL. */
G_GNUC_INTERNAL DxLedgerLine *dx_ledger_lines_find(const DxLedgerLines *lines, gint64 ref_seq, guint32 ref_index,
                                                   guint32 installment);

/* What a payment run decided for one line. */
typedef struct {
    gint64 ref_seq;
    guint32 ref_index, installment;
    DxSettleKind kind;
    int64_t amount_fen;
    const char *enterprise_id, *envelope;
    const char *reasons;         /* codes joined by ';', "" for a paid line */
} DxLedgerSettle;

typedef struct {
    const char *fund_id;
    const char *through;         /* YYYY-MM-DD: the run's date D */
    const char *ruleset_sha256;
    const char *checks_sha256;   /* "" without a checks file */
    const char *detail;          /* payments.json's totals (keys sorted) */
} DxLedgerPayrunInfo;

/* A payment run: dx_ledger_begin_payrun() takes the write lock, the caller
 * reads the lines (dx_ledger_read_lines) and decides, then
 * dx_ledger_commit_payrun() checks the settlements against those same
 * @lines (read after dx_ledger_begin_payrun, so no other process can have
 * settled one since) and appends the run and commits, or
 * dx_ledger_abort_payrun() leaves the ledger as it was. A line settled
 * already, or not in the ledger, is refused (nothing is committed). */
G_GNUC_INTERNAL gboolean dx_ledger_begin_payrun(DxLedger *self, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_commit_payrun(DxLedger *self, const DxLedgerLines *lines,
                                                 const DxLedgerPayrunInfo *info,
                                                 const DxLedgerSettle *settles, gsize n_settles, gint64 *payrun_id,
                                                 GError **error);
G_GNUC_INTERNAL void dx_ledger_abort_payrun(DxLedger *self);
/* A dry run's one consistent view of the ledger, without the write lock
 * (a read-only ledger too): read, decide, then dx_ledger_abort_payrun(). */
G_GNUC_INTERNAL gboolean dx_ledger_begin_read(DxLedger *self, GError **error);
/* dx_ledger_commit_payrun() in two steps, so that the caller can write its
 * files between them (docs/cli.md, "Outputs and the commit"): append
 * checks and appends the run inside the open transaction (the ledger's
 * head and the run's id are known from here; a failure rolls back), finish
 * COMMITs (a failure rolls back). */
G_GNUC_INTERNAL gboolean dx_ledger_append_payrun(DxLedger *self, const DxLedgerLines *lines,
                                                 const DxLedgerPayrunInfo *info,
                                                 const DxLedgerSettle *settles, gsize n_settles, gint64 *payrun_id,
                                                 GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_finish_payrun(DxLedger *self, GError **error);

/* §15 for a round: forfeited fen of live grants go back to their
 * envelope and to the enterprise's room under the fund's cap (never to
 * once, policy caps, groups or received). Only entries with seq < @before. */
G_GNUC_INTERNAL gboolean dx_ledger_load_forfeits(DxLedger *self, const char *fund_id, DxPriorBook *book,
                                                 gint64 before, GError **error);

/* TRUE (with *paid set) when a line of the grant (@ref_seq, @ref_index)
 * was paid: such a grant cannot be revoked (§15). */
G_GNUC_INTERNAL gboolean dx_ledger_grant_has_paid_line(DxLedger *self, gint64 ref_seq, gint64 ref_index,
                                                       gboolean *paid, GError **error);
