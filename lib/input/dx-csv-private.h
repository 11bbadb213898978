/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A streaming CSV record reader (RFC 4180 with minimal quoting), the only
 * code that reads CSV bytes. It hands out one record at a time as UTF-8
 * cells, borrowed until the next call, so memory stays bounded by the
 * longest record, never by the file. It decodes GB18030 (as Excel in China
 * writes it) to UTF-8 when told to, or when it detects it.
 *
 * It knows nothing of fields or applications: turning cells into values is
 * dx-cell.c's job, and deciding what a short row means is the batch's.
 */
#pragma once

#include <glib.h>
#include "duixian/dx-types.h"
#include "base/dx-limits-private.h"

typedef struct _DxCsvReader DxCsvReader;


/* Opens @path for streaming. @limits may be NULL for the defaults.
 * Returns NULL with DX_ERROR_IO when the file cannot be opened. */
G_GNUC_INTERNAL DxCsvReader *
dx_csv_reader_new_file(const char *path, DxEncoding encoding, const DxCsvLimits *limits,
                       GError **error);

/* Reads from memory; @data is borrowed and must outlive the reader.
 * @name is used in messages ("<name>:line:col: ..."). */
G_GNUC_INTERNAL DxCsvReader *
dx_csv_reader_new_data(const char *name, const char *data, gsize len, DxEncoding encoding,
                       const DxCsvLimits *limits, GError **error);

/* Reads the next record, skipping blank lines (a line with no characters at
 * all). On success returns TRUE and sets *cells / *n_cells: NUL-terminated
 * UTF-8 strings borrowed until the next call or free. Returns FALSE at the
 * end of input with @error unset, or on a fatal problem with @error set
 * (DX_ERROR_INPUT_INVALID: unterminated quote, undecodable bytes when the
 * encoding cannot be recovered; DX_ERROR_LIMIT: record too long or too wide;
 * DX_ERROR_IO). Fatal messages start "<name>:<line>:<col>: ". */
G_GNUC_INTERNAL gboolean
dx_csv_reader_next(DxCsvReader *self, char ***cells, guint *n_cells, GError **error);

/* A problem confined to the record just read that does not stop the file:
 * invalid UTF-8 in a cell, a NUL byte, a BOM not at the start of the file,
 * characters after a closing quote. Returns NULL when the record is clean,
 * else a message (borrowed, valid until the next call) and the 1-based cell
 * index in *column. The caller turns such a record into an invalid row. */
G_GNUC_INTERNAL const char *
dx_csv_reader_get_record_problem(DxCsvReader *self, guint *column);

/* Between records, takes the whole lines that follow in the reader's
 * current block and that are certainly one record each (no quoted cell
 * open at the line end, within the record limits), appending their bytes to @out as they are (line ends
 * included, blank lines too) so that another thread can split them
 * (DxCsvTaken). Sets *first_line to the line number of the first
 * and *n_records to the records among them (lines that are not blank).
 * Returns the bytes taken: 0 when the next line must go through
 * dx_csv_reader_next() (a quoted cell goes on past it, it is too long,
 * it goes on into the next block, or there is no current block). */
G_GNUC_INTERNAL gsize dx_csv_reader_take_lines(DxCsvReader *self, GString *out, guint64 *first_line,
                                               guint *n_records);
/* The records in lines taken by dx_csv_reader_take_lines(), split in
 * place on any thread: dx_csv_taken_init(), then dx_csv_taken_next() until
 * it returns FALSE. Each record is what dx_csv_reader_next() gives for its
 * line (cells NUL-terminated, valid until the next call), with the line
 * number and the problem and cell dx_csv_reader_get_record_problem() would
 * give; blank lines are skipped. */
typedef struct {
    char *p, *end;
    guint64 line;                 /* of the next line */
    DxEncoding encoding;
    GPtrArray *cells;             /* (borrowed) scratch: room for one record's cells */
} DxCsvTaken;

G_GNUC_INTERNAL void dx_csv_taken_init(DxCsvTaken *t, char *lines, gsize len, guint64 first_line,
                                       DxEncoding encoding, GPtrArray *scratch);
G_GNUC_INTERNAL gboolean dx_csv_taken_next(DxCsvTaken *t, char ***cells, guint *n_cells, guint64 *line,
                                           const char **problem, guint *bad_col);
/* The non-fatal problem of one cell as dx_csv_reader_get_record_problem()
 * names it (NUL byte, invalid UTF-8 when @encoding is UTF-8, a BOM inside),
 * or NULL. */
G_GNUC_INTERNAL const char *dx_csv_cell_problem(const char *p, gsize len, DxEncoding encoding);

/* 1-based physical line on which the record just read starts. */
G_GNUC_INTERNAL guint64 dx_csv_reader_get_line(const DxCsvReader *self);
/* 1-based record number (the header is record 1; blank lines not counted). */
G_GNUC_INTERNAL guint64 dx_csv_reader_get_record_number(const DxCsvReader *self);
/* The encoding in use: UTF-8 or GB18030 after detection, never AUTO. */
G_GNUC_INTERNAL DxEncoding dx_csv_reader_get_encoding(const DxCsvReader *self);
/* Bytes of input consumed so far, and the total if known (0 if not): for progress. */
G_GNUC_INTERNAL guint64 dx_csv_reader_get_bytes_read(const DxCsvReader *self);
G_GNUC_INTERNAL guint64 dx_csv_reader_get_bytes_total(const DxCsvReader *self);
G_GNUC_INTERNAL const char *dx_csv_reader_get_name(const DxCsvReader *self);

G_GNUC_INTERNAL void dx_csv_reader_free(DxCsvReader *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxCsvReader, dx_csv_reader_free)
