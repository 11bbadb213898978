/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inside the CSV reader, shared by its three files: the reader's state
 * (struct _DxCsvReader) and the decoding calls the record reader makes.
 * input/dx-csv-decode.c fills blocks of UTF-8 from the source,
 * input/dx-csv.c runs the record state machine over them, and
 * input/dx-csv-taken.c hands whole lines of a block to other threads.
 * Calls go only downwards: dx-csv.c and dx-csv-taken.c call
 * dx-csv-decode.c, never the other way round.
 */
#pragma once

#include <glib.h>
#include "duixian/dx-error.h"
#include "input/dx-csv-private.h"

/* One read from the source. Also the window AUTO detection looks at. */
#define DX_CSV_CHUNK ((gsize)64 * 1024)
/* GB18030 -> UTF-8 grows at most 3/2 (two bytes become three), so one
 * chunk always fits in one block and the first block holds a whole BOM. */
#define DX_CSV_DECODED_SIZE (2 * DX_CSV_CHUNK)

#define DX_CSV_NO_ICONV ((GIConv)-1)

typedef enum {
    DX_CSV_RECORD_START,   /* nothing of the record seen yet (blank lines skip here) */
    DX_CSV_FIELD_START,    /* at the start of a cell, after a ',' or the first char */
    DX_CSV_UNQUOTED,       /* inside an unquoted cell */
    DX_CSV_QUOTED,         /* inside a quoted cell */
    DX_CSV_QUOTE_IN_QUOTED /* a '"' inside a quoted cell: closing quote or "" escape */
} DxCsvState;

struct _DxCsvReader {
    char *name;                 /* for messages */
    DxEncoding encoding;        /* UTF8 or GB18030, never AUTO */
    gsize max_record_bytes;
    guint max_columns;

    /* Source: exactly one of fd (>= 0) or data. */
    int fd;
    const char *data;           /* (nullable) borrowed */
    gsize data_len, data_pos;
    gboolean src_eof;           /* the source has nothing more */
    guint64 bytes_total;

    /* Raw bytes read but not yet decoded are raw[raw_pos, raw_len). */
    char *raw;                  /* DX_CSV_CHUNK bytes */
    gsize raw_pos, raw_len;

    /* GB18030 only. */
    GIConv cd;
    char *decoded;              /* DX_CSV_DECODED_SIZE bytes */

    /* The block the state machine reads: blk[blk_pos, blk_len). */
    const char *blk;
    gsize blk_pos, blk_len;
    guint64 blk_raw_start;      /* raw offset of the first byte behind blk */
    guint64 blk_raw_len;        /* raw bytes behind blk */
    gboolean at_file_start;     /* no block handed out yet: strip a BOM */

    /* Position of the last character seen (col 0: none yet on this line). */
    guint64 line, col;

    /* The current record: cells are NUL-terminated runs in rec. */
    char *rec;
    gsize rec_len, rec_alloc;
    gsize rec_bytes;            /* decoded bytes of the record, for the limit */
    gsize *cell_start;          /* offsets into rec */
    char **cells;               /* handed out; NULL-terminated */
    guint n_cells, cells_alloc;
    guint64 rec_line, rec_col;
    guint64 quote_line, quote_col;
    guint64 record_number;
    DxCsvState state;

    const char *problem;        /* static string, or NULL */
    guint problem_cell;

    GError *fatal;              /* (owned) (nullable) sticky */
};

/* Records a fatal error at line:col ("<name>:line:col: ..."), keeps a copy
 * for later calls and returns FALSE. */
G_GNUC_INTERNAL G_GNUC_PRINTF(6, 7) gboolean
dx_csv_fail(DxCsvReader *self, GError **error, DxError code, guint64 line, guint64 col,
            const char *fmt, ...);

/* Reads the first chunk, settles the encoding (detecting it for AUTO) and
 * opens the converter. Errors are "<name>: ..." (no position yet). */
G_GNUC_INTERNAL gboolean dx_csv_decode_start(DxCsvReader *self, GError **error);

/* Makes the next decoded block current (blk, blk_pos, blk_len), a BOM at
 * the start of the file stripped; blk_len == 0 means end of input. */
G_GNUC_INTERNAL gboolean dx_csv_decode_fetch(DxCsvReader *self, GError **error);
