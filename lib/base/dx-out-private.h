/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Output files as the spec wants them (§8): CSV cells with minimal quoting,
 * integers without printf, and every file streamed through a temporary file
 * in the same directory and renamed into place, so a reader never sees half
 * a file and a failure leaves the old one untouched. One implementation for
 * decisions.csv, schedule.csv and the ledger's export.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    char *path, *tmp;
    FILE *f;
    GString *buf;           /* append rows here; dx_out_flush() writes it out */
    gboolean ok;
} DxOutFile;

/* Opens @path's temporary file and puts @header (nullable) in the buffer. */
G_GNUC_INTERNAL gboolean dx_out_open(DxOutFile *o, const char *path, const char *header, GError **error);
/* Writes the buffer out once it holds 64 KiB (or always, with @all). */
G_GNUC_INTERNAL void dx_out_flush(DxOutFile *o, gboolean all);
/* Renames the file into place when @commit and every write succeeded
 * (DX_ERROR_IO otherwise), or removes it; frees @o's contents either way. */
G_GNUC_INTERNAL gboolean dx_out_close(DxOutFile *o, gboolean commit, GError **error);

/* Appends @s as a CSV cell, quoted only if it holds a comma, quote or line break. */
G_GNUC_INTERNAL void dx_out_cell(GString *out, const char *s);
/* The same for @len bytes of @s (not NUL-terminated). */
G_GNUC_INTERNAL void dx_out_cell_len(GString *out, const char *s, gsize len);
G_GNUC_INTERNAL void dx_out_int(GString *out, int64_t v);
