/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:dx-batch
 * @title: DxBatch
 * @short_description: applications decided together
 *
 * DxBatch: applications decided together (docs/rules.md §6 steps 1-6). Adding an
 * application evaluates it at once (validation, window, clauses, award,
 * cap) and keeps only the compact decision, so CSV files of any size are
 * streamed. dx_batch_decide() then applies what needs the whole batch:
 * duplicates (input order), `once` and the policy per-enterprise cap in
 * canonical order (priority desc, submitted_on asc, app_id asc, policy id
 * asc). A bad row never aborts the batch: it becomes an `invalid`
 * decision naming row, column and reason. Single owner; not thread-safe
 * (but see dx_batch_set_threads() for deciding on several threads).
 */
#pragma once
#if !defined(DX_INSIDE) && !defined(DX_COMPILATION)
#error "Include <duixian/duixian.h>, not individual headers."
#endif

#include <duixian/dx-types.h>

G_BEGIN_DECLS

/**
 * DxProgressFunc:
 * @done: bytes read (or applications added) so far
 * @total: the total if known, else 0
 * @user_data: the data given to dx_batch_set_progress_func()
 *
 * Called now and then while a file is read (about every 65,536 rows).
 *
 * Since: 0.1
 */
typedef void (*DxProgressFunc)(uint64_t done, uint64_t total, void *user_data);

/**
 * dx_batch_new:
 * @ruleset: the ruleset (a reference is taken)
 *
 * Creates an empty batch of applications of @ruleset.
 *
 * Returns: (transfer full): an empty batch; free with dx_batch_free()
 * Since: 0.1
 */
DX_EXPORT DxBatch *dx_batch_new(DxRuleset *ruleset) G_GNUC_NON_NULL(1);

/**
 * dx_batch_free:
 * @self: (nullable): the batch
 *
 * Frees @self, its applications and its decisions not yet taken.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_batch_free(DxBatch *self);

/**
 * dx_batch_set_progress_func:
 * @self: a batch
 * @func: (nullable): called while files are read
 * @user_data: passed to @func
 *
 * Sets the function told about progress while files are read.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_batch_set_progress_func(DxBatch *self, DxProgressFunc func, void *user_data)
    G_GNUC_NON_NULL(1);

/**
 * dx_batch_set_threads:
 * @self: a batch to which no application was added yet
 * @n_threads: threads that decide applications: 1 (the default) decides
 *   each on the caller's thread as it is added; 0 means one per processor
 *
 * With more than one thread, applications go in blocks of about 512 to
 * @n_threads - 1 worker threads and the caller's, which decide them
 * (steps 1-5) while the caller reads on:
 * from a CSV file, whole lines unsplit (the workers split and parse them;
 * a record whose quoted cell spans lines is split by the reader); added one
 * by one, copies; added as an array (dx_batch_add_applications()), the
 * caller's own, with the calling thread taking its share. A caller waiting
 * for a block works on one instead. The blocks' decisions are merged in
 * input order, so every result, decisions.csv, the round and the ledger are
 * byte-identical to one thread. The ruleset is immutable and shared.
 * Memory grows by a few blocks.
 * Since: 0.1
 */
DX_EXPORT void dx_batch_set_threads(DxBatch *self, guint n_threads) G_GNUC_NON_NULL(1);

/**
 * dx_batch_get_threads:
 * @self: a batch
 *
 * Gets the number of deciding threads (1 = the caller's).
 *
 * Returns: the number of deciding threads (1 = the caller's).
 * Since: 0.1
 */
DX_EXPORT guint dx_batch_get_threads(const DxBatch *self) G_GNUC_NON_NULL(1);

/**
 * dx_batch_add_application:
 * @self: a batch
 * @app: an application of the batch's ruleset (read only; it may be
 *   cleared and reused as soon as this returns)
 *
 * Evaluates @app and records its decisions.
 * Since: 0.1
 */
DX_EXPORT void dx_batch_add_application(DxBatch *self, const DxApplication *app)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_batch_add_applications:
 * @self: a batch
 * @apps: (array length=n_apps) (nullable): applications of the batch's
 *   ruleset (read only; borrowed until this returns); %NULL only when
 *   @n_apps is 0
 * @n_apps: how many
 *
 * Adds @n_apps applications in this order, exactly as calling
 * dx_batch_add_application() on each would. Nothing is copied: on worker
 * threads (dx_batch_set_threads()) the applications are decided in
 * parallel, the calling thread taking its share, and this returns once all
 * are decided. Use it for applications already in memory; one by one, each
 * is copied for a worker.
 * Since: 0.1
 */
DX_EXPORT void dx_batch_add_applications(DxBatch *self, const DxApplication *const *apps, size_t n_apps)
    G_GNUC_NON_NULL(1);

/**
 * dx_batch_add_csv_file:
 * @self: a batch
 * @path: (type filename): a CSV file whose header row names fields or aliases
 * @options: (nullable): encoding and limits, or %NULL for the defaults
 * @error: return location for a #GError, or %NULL
 *
 * Streams @path row by row. Rows that are bad become `invalid` decisions;
 * only a problem with the file as a whole fails: it cannot be read, its
 * header lacks app_id, enterprise_id or submitted_on or names a field
 * twice, a quote is never closed, or a limit is exceeded. Columns that
 * match no field are ignored and listed in dx_batch_get_warning().
 *
 * Returns: %TRUE, or %FALSE with @error set (%DX_ERROR_IO,
 *   %DX_ERROR_INPUT_INVALID, %DX_ERROR_LIMIT); rows read before a fatal
 *   error stay in the batch
 * Since: 0.1
 */
DX_EXPORT gboolean dx_batch_add_csv_file(DxBatch *self, const char *path,
                                         const DxLoadOptions *options, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_batch_add_csv_data:
 * @self: a batch
 * @data: CSV text (borrowed for the call only)
 * @len: bytes in @data, or -1 if NUL-terminated
 * @name: (nullable): the name used in messages (default `<csv>`)
 * @options: (nullable): encoding and limits
 * @error: return location for a #GError, or %NULL
 *
 * As dx_batch_add_csv_file(), from memory.
 * Returns: %TRUE, or %FALSE with @error set
 * Since: 0.1
 */
DX_EXPORT gboolean dx_batch_add_csv_data(DxBatch *self, const char *data, gssize len,
                                         const char *name, const DxLoadOptions *options,
                                         GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_batch_add_yaml_file:
 * @self: a batch
 * @path: (type filename): a YAML or JSON file holding a list of maps
 *   (keys: field names or aliases; values: data cells)
 * @options: (nullable): limits
 * @error: return location for a #GError, or %NULL
 *
 * Reads every map of @path as one application, in file order.
 *
 * Returns: %TRUE, or %FALSE with @error set when the file is not a list
 *   of maps or cannot be read; bad values become `invalid` decisions
 * Since: 0.1
 */
DX_EXPORT gboolean dx_batch_add_yaml_file(DxBatch *self, const char *path,
                                          const DxLoadOptions *options, GError **error)
    G_GNUC_NON_NULL(1, 2);

/**
 * dx_batch_add_yaml_data:
 * @self: a batch
 * @data: YAML or JSON text (borrowed for the call only)
 * @len: bytes in @data, or -1 if NUL-terminated
 * @name: (nullable): the name used in messages
 * @options: (nullable): limits
 * @error: return location for a #GError, or %NULL
 *
 * As dx_batch_add_yaml_file(), from memory.
 *
 * Returns: %TRUE, or %FALSE with @error set
 * Since: 0.1
 */
DX_EXPORT gboolean dx_batch_add_yaml_data(DxBatch *self, const char *data, gssize len,
                                          const char *name, const DxLoadOptions *options,
                                          GError **error) G_GNUC_NON_NULL(1, 2);

/**
 * dx_batch_get_n_warnings:
 * @self: a batch
 *
 * Gets how many warnings reading produced.
 *
 * Returns: how many warnings reading produced.
 *
 * Since: 0.1
 */
DX_EXPORT size_t dx_batch_get_n_warnings(const DxBatch *self) G_GNUC_NON_NULL(1);

/**
 * dx_batch_get_warning:
 * @self: a batch
 * @index: below dx_batch_get_n_warnings()
 *
 * Gets a one-line warning, valid as long as @self.
 *
 * Returns: (transfer none): a one-line warning, valid as long as @self.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_batch_get_warning(const DxBatch *self, size_t index) G_GNUC_NON_NULL(1);

/**
 * dx_batch_set_hash_input:
 * @self: a batch, before any input is added
 * @hash: %TRUE (the default) to compute the SHA-256 of every input read, which
 *   a round records in the ledger; %FALSE when nothing will record it (deciding
 *   only), to save the CPU it costs (about 15% of reading a CSV file)
 *
 * Chooses whether reading hashes the input files.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_batch_set_hash_input(DxBatch *self, gboolean hash) G_GNUC_NON_NULL(1);

/**
 * dx_batch_get_input_sha256:
 * @self: a batch
 *
 * Gets the SHA-256 (hex) of the application file read, or, for several
 * inputs, of their hashes one per line in order; "" for applications added
 * through the API only. A round records it.
 *
 * Returns: (transfer none): the SHA-256 (hex) of the application file read,
 *   or, for several inputs, of their hashes one per line in order; "" for
 *   applications added through the API only. A round records it.
 *
 * Since: 0.1
 */
DX_EXPORT const char *dx_batch_get_input_sha256(DxBatch *self) G_GNUC_NON_NULL(1);

/**
 * dx_batch_get_n_rows:
 * @self: a batch
 *
 * Gets the number of applications added so far.
 *
 * Returns: the number of applications added so far.
 *
 * Since: 0.1
 */
DX_EXPORT uint64_t dx_batch_get_n_rows(const DxBatch *self) G_GNUC_NON_NULL(1);

/**
 * dx_batch_decide:
 * @self: a batch
 *
 * Applies the batch-wide steps and returns every decision in output order
 * (app_id, then policy id, then input order). This finishes the batch: it
 * accepts no more applications, and deciding again returns the same list.
 *
 * Returns: (transfer full): the decisions; release with dx_decision_list_unref()
 * Since: 0.1
 */
DX_EXPORT DxDecisionList *dx_batch_decide(DxBatch *self) G_GNUC_NON_NULL(1);

/**
 * dx_ruleset_decide:
 * @ruleset: a ruleset
 * @app: an application of @ruleset
 *
 * Decides one application on its own (a batch of one): one decision, or
 * with no `policy` one per matching policy.
 *
 * Returns: (transfer full): the decisions; release with dx_decision_list_unref()
 * Since: 0.1
 */
DX_EXPORT DxDecisionList *dx_ruleset_decide(DxRuleset *ruleset, const DxApplication *app)
    G_GNUC_NON_NULL(1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxBatch, dx_batch_free)

G_END_DECLS
