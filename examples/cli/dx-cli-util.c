/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers the commands share: option parsing with GOptionContext (the
 * command's usage on an error, its summary and examples on --help), error
 * lines, the option words, reading rules and applications, and the JSON
 * string writer every --format json output goes through.
 */
#include "dx-cli-private.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
cli_vprint_error(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

static void
cli_vprint_error(const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);

    fprintf(stderr, "duixian: %s\n", msg);
}

gboolean
dx_cli_ledger_exists(const char *location)
{
    return dx_ledger_location_is_server(location) || g_file_test(location, G_FILE_TEST_EXISTS);
}

int
dx_cli_fail(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_vprint_error(fmt, ap);
    va_end(ap);
    return code;
}

int
dx_cli_usage_error(const DxCliCommand *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cli_vprint_error(fmt, ap);
    va_end(ap);
    fprintf(stderr, _("%s(duixian %s --help: the options and examples)\n"), cmd->usage, cmd->name);
    return DX_EXIT_USAGE;
}

int
dx_cli_parse(const DxCliCommand *cmd, const GOptionEntry *entries, int *argc, char ***argv)
{
    gboolean help = FALSE;
    const GOptionEntry help_entry[] = {
        { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this command's options and examples"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(cmd->args);
    g_autofree char *summary = g_strdup_printf("%s\n%s", cmd->usage, _(cmd->summary));
    g_autofree char *examples = NULL;
    g_autoptr(GError) error = NULL;

    /* GLib's own --help would print through g_print(), which recodes the
     * Chinese text to the C locale's ASCII; this one writes it as it is */
    g_option_context_set_help_enabled(ctx, FALSE);
    /* the option descriptions are looked up in our catalog when --help is
     * printed; summary and examples are translated here, by hand, because
     * the usage lines and the example commands are syntax and stay as they
     * are in every language */
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_set_summary(ctx, summary);
    if (g_str_has_prefix(cmd->examples, "examples:\n"))
        examples = g_strconcat(_("examples:"), cmd->examples + strlen("examples:"), NULL);
    g_option_context_set_description(ctx, examples != NULL ? examples : cmd->examples);
    g_option_context_add_main_entries(ctx, help_entry, NULL);
    if (entries != NULL)
        g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        /* GLib says "Unknown option --x"; our messages start in lower case */
        error->message[0] = g_ascii_tolower(error->message[0]);
        return dx_cli_usage_error(cmd, "%s: %s", cmd->name, error->message);
    }
    if (help) {
        g_autofree char *text = g_option_context_get_help(ctx, TRUE, NULL);

        fputs(text, stdout);
        return DX_EXIT_OK;
    }
    return DX_CLI_CONTINUE;
}

gboolean
dx_cli_one_of(const char *value, ...)
{
    gboolean found = FALSE;
    va_list ap;

    va_start(ap, value);
    for (const char *w = va_arg(ap, const char *); w != NULL && !found; w = va_arg(ap, const char *))
        found = strcmp(value, w) == 0;
    va_end(ap);
    return found;
}

gboolean
dx_cli_parse_encoding(const char *e, DxLoadOptions *opts)
{
    if (strcmp(e, "auto") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_AUTO);
    else if (strcmp(e, "utf8") == 0 || strcmp(e, "utf-8") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_UTF8);
    else if (strcmp(e, "gb18030") == 0)
        dx_load_options_set_encoding(opts, DX_ENCODING_GB18030);
    else
        return FALSE;
    return TRUE;
}

gboolean
dx_cli_parse_output_encoding(const char *e, gboolean *gb18030)
{
    if (strcmp(e, "utf8") == 0 || strcmp(e, "utf-8") == 0)
        *gb18030 = FALSE;
    else if (strcmp(e, "gb18030") == 0)
        *gb18030 = TRUE;
    else
        return FALSE;
    return TRUE;
}

gboolean
dx_cli_parse_threads(const char *s, guint *out)
{
    guint64 n;

    if (!g_ascii_string_to_unsigned(s, 10, 0, 256, &n, NULL))
        return FALSE;
    *out = (guint)n;
    return TRUE;
}

/* The files stay UTF-8 unless asked: this is for Excel users in China. */
gboolean
dx_cli_recode_output(const char *dir, const char *name, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = NULL, *gb = NULL;
    gsize len = 0, out_len = 0;

    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    gb = g_convert(text, (gssize)len, "GB18030", "UTF-8", NULL, &out_len, error);
    if (gb == NULL) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return g_file_set_contents(path, gb, (gssize)out_len, error);
}

DxRuleset *
dx_cli_load_rules(const char *path)
{
    g_autoptr(GError) error = NULL;
    DxRuleset *rs = dx_ruleset_load_file(path, NULL, &error);

    if (rs == NULL)
        fprintf(stderr, "duixian: %s\n", error->message);
    return rs;
}

DxRuleset *
dx_cli_load_rules_set(const char *path, char *const *sets, int *rc)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    DxRuleset *rs;

    for (guint i = 0; sets != NULL && sets[i] != NULL; i++) {
        if (!dx_load_options_add_override(opts, sets[i], &error)) {
            *rc = dx_cli_fail(DX_EXIT_USAGE, "%s", error->message);
            return NULL;
        }
    }
    rs = dx_ruleset_load_file(path, opts, &error);
    if (rs == NULL) {
        /* a setting that names nothing, or a value of the wrong type, is the
         * caller's mistake, not the file's */
        *rc = dx_cli_fail(g_str_has_prefix(error->message, "--set ") ? DX_EXIT_USAGE : DX_EXIT_RULES, "%s",
                          error->message);
        return NULL;
    }
    if (dx_ruleset_get_n_overrides(rs) > 0) {
        g_autoptr(GString) all = g_string_new(NULL);

        for (size_t i = 0; i < dx_ruleset_get_n_overrides(rs); i++)
            g_string_append_printf(all, "%s%s", i > 0 ? ", " : "", dx_ruleset_get_override(rs, i));
        fprintf(stderr, _("duixian: what-if: %s (--set; not the rules as published)\n"), all->str);
    }
    return rs;
}

gboolean
dx_cli_has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

gboolean
dx_cli_is_yaml_path(const char *path)
{
    return dx_cli_has_suffix_ci(path, ".yaml") || dx_cli_has_suffix_ci(path, ".yml") || dx_cli_has_suffix_ci(path, ".json");
}

static void
cli_show_progress(uint64_t done, uint64_t total, void *user_data)
{
    (void)user_data;
    if (total > 0)
        fprintf(stderr, "\rreading applications: %3d%%", (int)(done * 100 / total));
    else
        fprintf(stderr, "\rreading applications: %" G_GUINT64_FORMAT " bytes", done);
}

gboolean
dx_cli_read_apps(DxBatch *batch, const char *apps, const DxLoadOptions *opts, GError **error)
{
    gboolean ok, tty = isatty(STDERR_FILENO);

    if (tty)
        dx_batch_set_progress_func(batch, cli_show_progress, NULL);
    if (dx_cli_is_yaml_path(apps))
        ok = dx_batch_add_yaml_file(batch, apps, opts, error);
    else
        ok = dx_batch_add_csv_file(batch, apps, opts, error);
    if (tty)
        fputs("\r\033[K", stderr);
    for (size_t w = 0; ok && w < dx_batch_get_n_warnings(batch); w++)
        fprintf(stderr, "duixian: warning: %s\n", dx_batch_get_warning(batch, w));
    return ok;
}

void
dx_cli_json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_c(out, '\\');
        if ((unsigned char)*s < 0x20)
            g_string_append_printf(out, "\\u%04x", (unsigned char)*s);
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

/* The line under a run's or decide's table when reading warned: the
 * warnings themselves went to stderr once, but whoever reads only the
 * table must not miss that, say, a column was absent. */
void
dx_cli_print_warning_note(DxBatch *batch)
{
    size_t n = dx_batch_get_n_warnings(batch);
    gboolean columns = FALSE;

    for (size_t w = 0; w < n; w++)
        columns = columns || strstr(dx_batch_get_warning(batch, w), ": no column for ") != NULL;
    if (n > 0)
        printf("%zu warning%s while reading the applications, on stderr%s\n", n, n == 1 ? "" : "s",
               columns ? ": fields the policies read have no column, so their applications are incomplete" : "");
}

/* The labels of the fields a decision misses, "A、B" (from the reasons
 * 缺少「X」，…). */
char *
dx_cli_missing_labels(const DxDecision *d)
{
    GString *missing = g_string_new(NULL);

    for (size_t r = 0; r < dx_decision_get_n_reasons(d); r++) {
        g_autofree char *msg = NULL;
        const char *a, *b;

        if (dx_decision_get_reason_code(d, r) != DX_REASON_MISSING_FIELD)
            continue;
        msg = dx_decision_dup_reason_message(d, r);
        a = strstr(msg, "「");
        b = a != NULL ? strstr(a, "」") : NULL;
        if (missing->len > 0)
            g_string_append(missing, "、");
        if (a != NULL && b != NULL)
            g_string_append_len(missing, a + strlen("「"), b - a - (gssize)strlen("「"));
        else
            g_string_append(missing, msg);
    }
    return g_string_free(missing, FALSE);
}
