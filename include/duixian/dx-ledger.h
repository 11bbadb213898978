/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-ledger
 * @title: DxLedger
 * @short_description: the hash-chained record of a fund's rounds
 *
 * DxLedger: the record of a fund's rounds, kept for years in one SQLite
 * database file, or in a PostgreSQL database that several systems share
 * (a location of the form `postgresql://USER@HOST/DBNAME`, `postgres://…`
 * or libpq's `host=HOST dbname=DBNAME`; see docs/ledger.md). A round commits in one transaction or not at all; every
 * entry (round header, decision with its grant and schedule, revocation)
 * is appended, never updated or deleted, and hash-chained to the entry
 * before it, so dx_ledger_verify() finds any edit. A DxLedger has a single
 * owner and is not thread-safe; two processes may open one file: a round
 * holds the database's write lock from reading the envelopes to commit.
 * A round's decisions are stored in chunks of 4096 per entry (a compact,
 * documented encoding; see lib/ledger/dx-ledger.c), about 50-80 bytes each.
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * dx_ledger_open:
 * @path: (type filename): the ledger file; created (with its schema) if
 *   missing. Or a PostgreSQL connection string (dx_ledger_location_is_server()),
 *   whose database gets the schema if it has no tables
 * @error: return location for a #GError, or %NULL
 *
 * Opens a ledger for rounds to read and commit. Messages name the ledger
 * as dx_ledger_location_display() does, never with a password.
 *
 * Returns: (transfer full): the ledger, or %NULL with %DX_ERROR_LEDGER
 *   (cannot open or create, not a duixian ledger, newer schema);
 *   free with dx_ledger_free()
 * Since: 0.1
 */
DX_EXPORT DxLedger *dx_ledger_open(const char *path, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_open_readonly:
 * @path: (type filename): an existing ledger file, or a PostgreSQL
 *   connection string
 * @error: return location for a #GError, or %NULL
 *
 * Opens without ever writing (for `ledger` and `verify`).
 * Returns: (transfer full): the ledger, or %NULL with %DX_ERROR_LEDGER
 * Since: 0.1
 */
DX_EXPORT DxLedger *dx_ledger_open_readonly(const char *path, GError **error) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_free:
 * @self: (nullable): closes the file
 *
 * Closes the ledger file and frees @self.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_ledger_free(DxLedger *self);

/**
 * dx_ledger_location_is_server:
 * @location: what would be given to dx_ledger_open()
 *
 * Tells a PostgreSQL connection string from a file name: a location that
 * begins with `postgresql://` or `postgres://`, or that begins with a
 * keyword and `=` (libpq's `host=… dbname=…` form), names a server. Such
 * a location is no file to test for or create directories for.
 *
 * Returns: %TRUE for a server, %FALSE for a file
 * Since: 0.2
 */
DX_EXPORT gboolean dx_ledger_location_is_server(const char *location) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_location_display:
 * @location: what would be given to dx_ledger_open()
 *
 * The form of @location to print: a file's display name, or a connection
 * string with its password (`user:PASSWORD@`, `password=PASSWORD`) shown
 * as `***`. Every message of the ledger names it this way.
 *
 * Returns: (transfer full): the text; free with g_free()
 * Since: 0.2
 */
DX_EXPORT char *dx_ledger_location_display(const char *location) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_copy:
 * @src: the ledger to copy (a file or a server's connection string)
 * @dst: where to copy it: a new file, or a server database without a ledger
 *   (no tables, or a ledger without entries)
 * @n_entries: (out) (optional): the number of entries copied
 * @error: return location for a #GError, or %NULL
 *
 * Copies every entry of @src, column for column, into @dst in one
 * transaction, so that SQLite and PostgreSQL ledgers move either way.
 * @src is verified first and @dst after; the copy commits only when @dst
 * verifies and its head equals @src's. Nothing is written when it fails.
 *
 * Returns: %TRUE on success, %FALSE with %DX_ERROR_LEDGER or
 *   %DX_ERROR_LEDGER_CORRUPT (@src does not verify)
 * Since: 0.2
 */
DX_EXPORT gboolean dx_ledger_copy(const char *src, const char *dst, uint64_t *n_entries, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_ledger_verify:
 * @self: a ledger
 * @n_entries: (out) (optional): the number of entries checked
 * @error: return location for a #GError, or %NULL
 *
 * Walks the hash chain from the first entry. Returns: %TRUE if every entry
 * matches; %FALSE with %DX_ERROR_LEDGER_CORRUPT naming the first entry
 * that does not ("entry 3 (round 1, decisions 4097-8192): hash does not
 * match"), or %DX_ERROR_LEDGER if it cannot be read
 * Since: 0.1
 */
DX_EXPORT gboolean dx_ledger_verify(DxLedger *self, uint64_t *n_entries, GError **error)
    G_GNUC_NON_NULL(1);

/**
 * dx_ledger_verify_through:
 * @self: a ledger
 * @expect_head: a head hash kept outside the ledger (64 hex digits, as
 *   dx_ledger_dup_head_hash() returned it when it was the head); not kept
 * @n_entries: (out) (optional): the number of entries checked
 * @error: return location for a #GError, or %NULL
 *
 * As dx_ledger_verify(), and the chain must also pass through
 * @expect_head: some entry's hash is @expect_head. A ledger whose last
 * entries were dropped, or that was rewritten with a recomputed chain,
 * verifies on its own but not through a head kept before.
 *
 * Returns: %TRUE if every entry matches and one of them has the hash
 * @expect_head; %FALSE with %DX_ERROR_LEDGER_CORRUPT otherwise, or
 * %DX_ERROR_LEDGER if it cannot be read
 * Since: 0.2
 */
DX_EXPORT gboolean dx_ledger_verify_through(DxLedger *self, const char *expect_head, uint64_t *n_entries,
                                            GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_ledger_revoke:
 * @self: a ledger
 * @app_id: the application whose grants are revoked (撤销/追回)
 * @reason: why; recorded with the revocation
 * @error: return location for a #GError, or %NULL
 *
 * Appends one reversing entry per live grant of @app_id (in one
 * transaction): the money returns to its envelope, and the award no longer
 * counts for once, caps or groups. The app_id stays used (a later
 * application with it is a duplicate).
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_LEDGER (nothing to revoke, or a
 *   write failure: then nothing is written)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_ledger_revoke(DxLedger *self, const char *app_id, const char *reason, GError **error)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_ledger_get_n_rounds:
 * @self: a ledger
 *
 * Gets the number of committed rounds.
 *
 * Returns: the number of committed rounds.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_ledger_get_n_rounds(DxLedger *self) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_get_round_id:
 * @self: a ledger
 * @index: below dx_ledger_get_n_rounds()
 *
 * Gets the id of round @index (oldest first).
 *
 * Returns: the id of round @index (oldest first).
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ledger_get_round_id(DxLedger *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_dup_round_field:
 * @self: a ledger
 * @index: a round, oldest first
 * @field: "created_at", "approval_date", "fund_id", "ruleset_sha256",
 *   "input_sha256" or "params"
 *
 * Gets one recorded value of a committed round.
 *
 * Returns: (transfer full) (nullable): the value; g_free()
 *
 * Since: 0.1
 */
DX_EXPORT char *dx_ledger_dup_round_field(DxLedger *self, size_t index, const char *field)
    G_GNUC_NON_NULL(1, 3);

/**
 * dx_ledger_get_round_granted_fen:
 * @self: a ledger
 * @index: below dx_ledger_get_n_rounds()
 *
 * Gets what round @index granted in all.
 *
 * Returns: what round @index granted in all.
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ledger_get_round_granted_fen(DxLedger *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_get_round_n_decisions:
 * @self: a ledger
 * @index: below dx_ledger_get_n_rounds()
 *
 * Gets how many decisions round @index recorded.
 *
 * Returns: how many decisions round @index recorded.
 *
 * Since: 0.1
 */
DX_EXPORT uint64_t dx_ledger_get_round_n_decisions(DxLedger *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_ledger_get_charged_fen:
 * @self: a ledger
 * @fund_id: a fund id
 * @envelope: an envelope key ("*" for a fund without envelopes)
 *
 * Gets what rounds charged to the envelope, net of revocations and of
 * installments that payment runs forfeited (docs/rules.md §15).
 *
 * Returns: what rounds charged to the envelope, net of revocations
 *
 * Since: 0.1
 */
DX_EXPORT int64_t dx_ledger_get_charged_fen(DxLedger *self, const char *fund_id, const char *envelope)
    G_GNUC_NON_NULL(1, 2, 3);

/**
 * dx_ledger_export_round:
 * @self: a ledger
 * @ruleset: the ruleset the round ran with (its sha256 must be the one the
 *   round recorded): for the policies, the envelopes and the fund period
 * @round_id: a round id (dx_ledger_get_round_id()), or 0 for the latest round
 * @dir: (type filename): an existing directory
 * @error: return location for a #GError, or %NULL
 *
 * Re-creates the round's decisions.csv, schedule.csv and summary.json in
 * @dir from the ledger alone, byte for byte as dx_round_write_outputs()
 * wrote them when the round ran (docs/rules.md §8). Revocations appended after the
 * round do not change them: they are the round as committed. Each file is
 * replaced atomically.
 *
 * Returns: %TRUE; %FALSE with %DX_ERROR_LEDGER (no such round, a read
 *   failure, or a round committed by a duixian before ledger format 3, which
 *   did not record computed amounts), %DX_ERROR_LEDGER_CORRUPT (a body that
 *   does not decode), %DX_ERROR_VALUE_INVALID (@ruleset is not the round's)
 *   or %DX_ERROR_IO (a file cannot be written)
 * Since: 0.1
 */
DX_EXPORT gboolean dx_ledger_export_round(DxLedger *self, DxRuleset *ruleset, int64_t round_id, const char *dir,
                                          GError **error) G_GNUC_NON_NULL(1, 2, 4);

/**
 * dx_ledger_dup_head_hash:
 * @self: a ledger
 *
 * Gets the hash of the newest entry, the head of the chain. After this
 * handle appended entries (a round sealed or committed, a payment run, a
 * review), it is the head those entries left, without reading the store
 * again: the head to keep outside the ledger for what this handle wrote.
 * Otherwise it is read from the store.
 *
 * Returns: (transfer full): the hash of the last entry (hex), or "" when
 *   empty; record it outside the ledger to detect a truncated file; g_free()
 *
 * Since: 0.1
 */
DX_EXPORT char *dx_ledger_dup_head_hash(DxLedger *self) G_GNUC_NON_NULL(1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxLedger, dx_ledger_free)

G_END_DECLS
