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

/* One grant (§14, §15) and what happened to it, summed from its lines
 * and from the claw-back and refund entries that name it. */
typedef struct {
    gint64 ref_seq;
    guint32 ref_index;
    gint32 approval_day;
    gint64 round_id;
    int64_t granted_fen;
    /* owned by the DxLedgerLines' string chunk */
    const char *app_id, *enterprise_id, *policy_id, *bureau, *envelope;
    guint first_line, n_lines;   /* its lines: lines->lines[first_line ..] */
    gboolean revoked;
    gint64 clawed_back_by;       /* the clawback or review entry, 0 if none */
    gint32 clawed_back_day;
    const char *clawback_reasons; /* its record's reasons (the operator's text), NULL if none */
    int64_t paid_fen, forfeited_fen, cancelled_fen, scheduled_fen;
    int64_t refund_due_fen;      /* the claim a claw-back set */
    int64_t refund_received_fen; /* Σ of the receipts on it */
} DxLedgerGrant;

typedef struct {
    GArray *lines;               /* DxLedgerLine, by (ref_seq, ref_index, installment) */
    GArray *grants;              /* DxLedgerGrant, by (ref_seq, ref_index) */
    GStringChunk *strings;
    /* reading: the last class and approval date interned, since a million
     * lines have a few of each (see lines_add_grant) */
    const char *last_policy, *last_bureau, *last_envelope;
    char last_approval[16];
    gint32 last_approval_day;
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

/* The grant (@ref_seq, @ref_index), or NULL. */
G_GNUC_INTERNAL DxLedgerGrant *dx_ledger_lines_find_grant(const DxLedgerLines *lines, gint64 ref_seq,
                                                          guint32 ref_index);

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

/* ------------------------------------------------ claw-backs and refunds
 *
 * §14 in the ledger (dx-ledger-clawback.c). A manual claw-back is one
 * `clawback` entry, a commitment review one `review` entry; both hold
 * their breaches in body, back to back:
 *
 *   record = ref_seq:uint ref_index:uint paid_fen:uint cancelled_fen:uint
 *            refund_due_fen:uint enterprise_id:str envelope:str reasons:str
 *
 * with n_decisions the count, award_fen Σ refund_due_fen and granted_fen
 * Σ cancelled_fen, approval_date the date D, round_id the entry's own seq,
 * detail clawbacks.json's totals (the review's counts included),
 * ruleset_sha256 and input_sha256 the review's ruleset and checks file
 * ("" for a manual one, whose app, enterprise, policy, bureau and
 * envelope columns are also the grant's). A record claws the grant back:
 * every line still scheduled is cancelled (cancelled_fen is their sum),
 * refund_due_fen (at most paid_fen, Σ of its paid lines) is owed, and the
 * grant is never reviewed or clawed back again.
 *
 * A receipt is one `refund` entry: ref_seq/ref_index the grant, round_id
 * the claw-back entry that set the claim, award_fen the fen received,
 * approval_date its date, detail the reference text, the grant's app,
 * enterprise, policy, bureau and envelope repeated; granted_fen 0, body
 * empty. Σ receipts of a grant never exceed its refund due.
 */
typedef struct {
    gint64 ref_seq;
    guint32 ref_index;
    int64_t paid_fen, cancelled_fen, refund_due_fen;
    const char *enterprise_id, *envelope;
    const char *reasons;         /* commitment_breached, or the operator's reason */
} DxLedgerClawback;

typedef struct {
    const char *fund_id;
    const char *date;            /* YYYY-MM-DD: D */
    const char *ruleset_sha256;  /* "" for a manual claw-back */
    const char *checks_sha256;   /* "" for a manual claw-back */
    const char *detail;          /* clawbacks.json's totals (keys sorted) */
} DxLedgerReviewInfo;

/* Like a payment run: begin takes the write lock, the caller reads the
 * lines (dx_ledger_read_lines) and decides, commit checks each item
 * against those @lines (the grant exists, is neither revoked nor clawed
 * back, is named once, and paid_fen / cancelled_fen are its paid and
 * scheduled sums, refund_due_fen at most paid_fen and, for a manual
 * claw-back, equal to it), appends one entry and commits; a manual
 * claw-back (@review FALSE) has exactly one item. A review with no
 * breach is still an entry. On failure nothing is committed. */
G_GNUC_INTERNAL gboolean dx_ledger_begin_clawback(DxLedger *self, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_commit_clawbacks(DxLedger *self, const DxLedgerLines *lines, gboolean review,
                                                    const DxLedgerReviewInfo *info, const DxLedgerClawback *items,
                                                    gsize n, gint64 *id, GError **error);
G_GNUC_INTERNAL void dx_ledger_abort_clawback(DxLedger *self);
/* The same in two steps, so that a command can write its files between
 * them: append (checked as above; on failure rolled back), then finish
 * (the COMMIT) or abort. */
G_GNUC_INTERNAL gboolean dx_ledger_append_clawbacks(DxLedger *self, const DxLedgerLines *lines, gboolean review,
                                                    const DxLedgerReviewInfo *info, const DxLedgerClawback *items,
                                                    gsize n, gint64 *id, GError **error);
G_GNUC_INTERNAL gboolean dx_ledger_finish_clawback(DxLedger *self, GError **error);

/* A receipt of @amount_fen on @grant (read from @lines under the lock
 * dx_ledger_begin_clawback took): refused unless the grant was clawed back
 * and 0 < amount ≤ refund due − received. Commits, or rolls back. */
G_GNUC_INTERNAL gboolean dx_ledger_commit_refund(DxLedger *self, const DxLedgerLines *lines,
                                                 const DxLedgerGrant *grant, const char *fund_id,
                                                 int64_t amount_fen, const char *date, const char *reference,
                                                 gint64 *id, GError **error);

/* §15 for a round: what claw-backs cancelled and what receipts brought
 * back, credited to the envelope and to the enterprise's room under the
 * fund's cap (seq < @before). Called by dx_ledger_load_forfeits. */
G_GNUC_INTERNAL gboolean dx_ledger_load_clawback_credits(DxLedger *self, const char *fund_id, DxPriorBook *book,
                                                         gint64 before, GError **error);

/* TRUE (with *clawed set) when the grant was clawed back: it can no
 * longer be revoked. */
G_GNUC_INTERNAL gboolean dx_ledger_grant_clawed_back(DxLedger *self, gint64 ref_seq, gint64 ref_index,
                                                     gboolean *clawed, GError **error);

/* The ledger's path, for messages of the layers above. */
G_GNUC_INTERNAL const char *dx_ledger_get_name(const DxLedger *self);
