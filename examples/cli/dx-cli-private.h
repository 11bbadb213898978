/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the commands of the duixian program share: the exit codes
 * docs/cli.md documents, the command table entry, option parsing through
 * GOptionContext with the command's own usage on error, and the helpers
 * more than one command needs (rules, applications, encodings, the one
 * JSON string writer). Each command lives in its own cmd-*.c file and is
 * listed in the table of dx-cli.c.
 */
#pragma once

#include <duixian/duixian.h>
#include <glib/gi18n.h>   /* _() and N_(): GETTEXT_PACKAGE comes from meson */

enum {
    DX_EXIT_OK = 0,
    DX_EXIT_USAGE = 1,
    DX_EXIT_RULES = 2,
    DX_EXIT_INPUT = 3,
    DX_EXIT_OUTPUT = 4,
    DX_EXIT_LEDGER = 5,
    DX_EXIT_CORRUPT = 6,
    DX_EXIT_DIFFERENT = 7,   /* replay: the round does not come out the same */
};

/* dx_cli_parse() returns this when the command should go on. */
#define DX_CLI_CONTINUE (-1)

typedef struct _DxCliCommand DxCliCommand;

struct _DxCliCommand {
    const char *name;
    const char *args;       /* the positional arguments, for the Usage line: "RULES APPS" */
    const char *brief;      /* one line for duixian --help */
    const char *usage;      /* the synopsis, "usage: duixian …" lines, printed on a usage error */
    const char *summary;    /* what the command does, for --help */
    const char *examples;   /* "examples:\n  …", for --help */
    /* @argv[0] is the command's name, as GOptionContext expects */
    int (*run)(const DxCliCommand *cmd, int argc, char **argv);
};

extern const DxCliCommand dx_cli_check, dx_cli_decide, dx_cli_run, dx_cli_explain, dx_cli_match, dx_cli_report,
    dx_cli_ledger, dx_cli_verify, dx_cli_revoke, dx_cli_replay, dx_cli_publish, dx_cli_fit, dx_cli_test, dx_cli_compare,
    dx_cli_schema, dx_cli_pay, dx_cli_clawback, dx_cli_review, dx_cli_refund;

/* Parses the options of @entries (plus --help) out of @argc and @argv,
 * leaving argv[0] and the positional arguments. Returns DX_CLI_CONTINUE,
 * DX_EXIT_OK after printing --help, or DX_EXIT_USAGE after printing the
 * error and the command's usage. */
int dx_cli_parse(const DxCliCommand *cmd, const GOptionEntry *entries, int *argc, char ***argv);
/* Prints "duixian: MESSAGE" and @cmd's usage to stderr; returns DX_EXIT_USAGE. */
int dx_cli_usage_error(const DxCliCommand *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* match RULES REGISTER --out DIR (cmd-match-register.c): every enterprise
 * of the register against every policy, on @threads threads; an exit code. */
int dx_cli_match_register(DxRuleset *rs, const char *path, const char *date, const char *out, guint threads);
/* Prints "duixian: MESSAGE" to stderr and returns @code. */
int dx_cli_fail(int code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A ledger location is there: a file that exists, or a server (whose
 * database the open then checks). */
gboolean dx_cli_ledger_exists(const char *location);

/* TRUE when @value is one of the NULL-terminated words that follow. */
gboolean dx_cli_one_of(const char *value, ...) G_GNUC_NULL_TERMINATED;
/* --encoding auto|utf8|gb18030 into @opts; FALSE for another word. */
gboolean dx_cli_parse_encoding(const char *e, DxLoadOptions *opts);
/* --output-encoding utf8|gb18030; FALSE for another word. */
gboolean dx_cli_parse_output_encoding(const char *e, gboolean *gb18030);
/* --threads N: 0 (one per processor) to 256. */
gboolean dx_cli_parse_threads(const char *s, guint *out);
/* --output-encoding gb18030: rewrites DIR/NAME from UTF-8 to GB18030. */
gboolean dx_cli_recode_output(const char *dir, const char *name, GError **error);

/* Loads RULES, printing the one-line error; NULL means exit 2. */
DxRuleset *dx_cli_load_rules(const char *path);
/* The labels of the fields a decision misses, "A、B" (g_free). */
char *dx_cli_missing_labels(const DxDecision *d);
/* Loads RULES with the what-if settings @sets (--set NAME=VALUE, may be
 * NULL), saying on stderr which were applied; NULL with *@rc the exit code
 * (1 for a bad setting, 2 for a bad file) after printing the error. */
DxRuleset *dx_cli_load_rules_set(const char *path, char *const *sets, int *rc);
/* The --set option entry every what-if command takes. */
#define DX_CLI_SET_ENTRY(sets) \
    { "set", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(sets), \
      N_("What-if: a parameter or envelope.KEY set to VALUE (repeatable)"), "NAME=VALUE" }
/* TRUE when @s ends in @suffix, ASCII case ignored. */
gboolean dx_cli_has_suffix_ci(const char *s, const char *suffix);
/* .yaml, .yml or .json: a YAML/JSON list of maps rather than CSV. */
gboolean dx_cli_is_yaml_path(const char *path);
/* Reads APPS into @batch by its file name, with progress on a terminal and
 * the batch's warnings on stderr. */
gboolean dx_cli_read_apps(DxBatch *batch, const char *apps, const DxLoadOptions *opts, GError **error);

/* Under a table: how many warnings reading @batch gave (they are on
 * stderr), and a note when a field had no column. */
void dx_cli_print_warning_note(DxBatch *batch);

/* The program's one JSON string writer: @s quoted, with quote, backslash
 * and control characters escaped (\u00XX). */
void dx_cli_json_string(GString *out, const char *s);

/* ---- a round's output directory, read back (dx-cli-round.c) ---- */

/* One envelope of summary.json, in fen. */
typedef struct {
    int64_t total_fen, charged_before_fen, requested_fen, granted_fen, remaining_fen;
} DxCliEnvelope;

/* decisions.csv and schedule.csv as rows of cells (header dropped), and
 * what summary.json says per envelope (ruleset order). */
typedef struct {
    char *summary;
    char *approval_date;
    GPtrArray *decisions, *schedule;   /* of GStrv */
    DxCliEnvelope *envelopes;
    size_t n_envelopes;
} DxCliRoundFiles;

/* RFC 4180 rows of @text (a leading UTF-8 BOM dropped): GStrv each. A quote
 * left open sets @bad_line to the line it opened on, else 0. */
GPtrArray *dx_cli_csv_parse(const char *text, gsize len, guint *bad_line);
/* DIR's three files; NULL with the file named in @error (a round of another
 * fund: DX_ERROR_VALUE_INVALID). */
DxCliRoundFiles *dx_cli_round_files_read(DxRuleset *rs, const char *dir, GError **error);
void dx_cli_round_files_free(DxCliRoundFiles *rf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxCliRoundFiles, dx_cli_round_files_free)
/* Index of @bureau's envelope (its own, else the shared "*"), or -1. */
gssize dx_cli_bureau_envelope(DxRuleset *rs, const char *bureau);
gssize dx_cli_bureau_index(DxRuleset *rs, const char *bureau);
gssize dx_cli_policy_index(DxRuleset *rs, const char *policy);

/* ---- Excel (dx-cli-xlsx.c, dx-cli-xlsx-round.c; libxlsxwriter) ---- */

/* DIR/decisions.xlsx and DIR/schedule.xlsx from DIR's round files. */
gboolean dx_cli_write_round_xlsx(DxRuleset *rs, const char *dir, GError **error);
/* pay --xlsx: treasury-BATCH.xlsx beside each treasury-BATCH.csv in @dir
 * (dx-cli-xlsx-pay.c). */
gboolean dx_cli_write_treasury_xlsx(const char *dir, GError **error);
/* A status or reason code in Chinese, as the library's messages say it. */
const char *dx_cli_status_zh(const char *status);
const char *dx_cli_reason_zh(const char *code);

/* ---- staged outputs (dx-cli-stage.c; docs/cli.md "Outputs and the commit") ---- */

/* A command's files, written into DIR/.duixian-stage-PID, then committed,
 * then renamed into DIR:
 *   st = dx_cli_stage_new(DIR)      ; write into dx_cli_stage_get_path(st)
 *   dx_cli_stage_note_commit(...)   ; what is about to be committed
 *   dx_cli_stage_hold_signals(st)   ; commit
 *   dx_cli_stage_publish(st, LAST)  ; on failure: dx_cli_stage_committed_message()
 * dx_cli_stage_free() removes what is left, restores the signal handlers
 * and lets a held signal take effect. */
typedef struct _DxCliStage DxCliStage;

/* Creates DIR (with parents) and the staging directory, after
 * dx_cli_stage_sweep(DIR, TRUE); installs the SIGINT/SIGTERM/SIGHUP handler
 * that removes it. NULL with @error (DX_ERROR_IO) otherwise. */
DxCliStage *dx_cli_stage_new(const char *dir, GError **error);
const char *dx_cli_stage_get_path(DxCliStage *st);
/* Notes, before the COMMIT, what it commits: the ledger, the head it will
 * leave, @what ("round 3 of L") and @restore, how to restore its files
 * ("restore them with: duixian report …"). */
gboolean dx_cli_stage_note_commit(DxCliStage *st, const char *ledger_path, const char *head, const char *what,
                                  const char *restore, GError **error);
/* Blocks SIGINT, SIGTERM and SIGHUP until dx_cli_stage_free(): call it just before the COMMIT. */
void dx_cli_stage_hold_signals(DxCliStage *st);
/* Renames every staged file into DIR, by name, @last (nullable) last. */
gboolean dx_cli_stage_publish(DxCliStage *st, const char *last, GError **error);
/* After dx_cli_stage_publish() failed past the commit: keeps the note as
 * DIR/.duixian-incomplete, so that the next command writing into DIR says
 * again what is committed and how to restore it (once). */
void dx_cli_stage_mark_incomplete(DxCliStage *st);
void dx_cli_stage_free(DxCliStage *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DxCliStage, dx_cli_stage_free)
/* Removes the temporaries that dead processes left in DIR (staging
 * directories, NAME.tmp-PID files), saying so on stderr. When one of them
 * was committing and the ledger has its commit, or DIR/.duixian-incomplete
 * says a command could not put its files in place: FALSE with the restore
 * command in @error if @fail_if_committed, else the same on stderr; the
 * note is removed either way. */
gboolean dx_cli_stage_sweep(const char *dir, gboolean fail_if_committed, GError **error);
/* "WHAT is committed, but its files are not all in place: RESTORE" (g_free). */
char *dx_cli_stage_committed_message(const char *what, const char *restore);
/* @s quoted for a shell only when it needs to be (g_free). */
char *dx_cli_shell_word(const char *s);
