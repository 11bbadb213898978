/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian: the command-line program bureau staff run. This file holds the
 * table of commands and picks one by argv[1]; each command parses its own
 * options (GOptionContext, dx-cli-util.c) in its cmd-NAME.c file.
 *
 * Exit codes (docs/cli.md): 0 success; 1 usage; 2 the ruleset is invalid;
 * 3 an input cannot be read; 4 an output cannot be written; 5 the ledger
 * cannot be opened, read or written; 6 the ledger does not verify; 7 a
 * replayed round does not come out the same. Errors
 * go to stderr, one line each; results to stdout.
 */
#include "dx-cli-private.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const DxCliCommand *const commands[] = {
    &dx_cli_check, &dx_cli_decide, &dx_cli_run,    &dx_cli_explain, &dx_cli_match,
    &dx_cli_report, &dx_cli_publish, &dx_cli_ledger, &dx_cli_verify, &dx_cli_revoke, &dx_cli_pay, &dx_cli_clawback, &dx_cli_review, &dx_cli_refund, &dx_cli_replay,
    &dx_cli_fit, &dx_cli_test, &dx_cli_compare, &dx_cli_schema,
};

static void
cli_print_commands(FILE *out)
{
    fputs(_("usage: duixian COMMAND [ARGS…] [OPTIONS…]\n"
            "       duixian --version\n"
            "\n"
            "commands:\n"),
          out);
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-9s %s\n", commands[i]->name, _(commands[i]->brief));
    fputs(_("\n"
            "duixian COMMAND --help shows a command's options and examples. Options take\n"
            "their value as --opt VALUE or --opt=VALUE.\n"
            "\n"
            "examples:\n"),
          out);
    fputs("  duixian check rules/wuchang-2022.yaml\n"
          "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
          "      --approval-date 2022-06-30 --ledger out/ledger.db --out out\n"
          "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
          "      --approval-date=2022-06-30 --app=WC2022-00002\n"
          "\n",
          out);
    fputs(_("exit codes: 0 ok, 1 usage, 2 invalid rules, 3 unreadable applications, history,\n"
            "            profile or round directory, or no such application (explain),\n"
            "            4 output error, 5 ledger error, 6 ledger does not verify,\n"
            "            7 a replayed round is not the same, or no value fits (fit)\n"),
          out);
}

/* Help and error lines follow the user's language (LC_MESSAGES, LANGUAGE);
 * results never do: the library's explanations, the files and what the
 * commands print on stdout are the same bytes in every locale, so only the
 * message category is taken from the environment (numbers and character
 * classes stay C). The catalog is looked up in DUIXIAN_LOCALEDIR when set
 * (an uninstalled build, the tests), else where meson installed it. */
static void
cli_init_i18n(void)
{
    const char *dir = g_getenv("DUIXIAN_LOCALEDIR");

    setlocale(LC_MESSAGES, "");
    bindtextdomain(GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : DX_LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}

int
main(int argc, char **argv)
{
    const char *name = argc >= 2 ? argv[1] : NULL;

    cli_init_i18n();
    if (name == NULL) {
        cli_print_commands(stderr);
        return DX_EXIT_USAGE;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        cli_print_commands(stdout);
        return DX_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("duixian %d.%d.%d\n", DX_MAJOR_VERSION, DX_MINOR_VERSION, DX_MICRO_VERSION);
        return DX_EXIT_OK;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(name, commands[i]->name) == 0) {
            g_autofree char *prgname = g_strconcat("duixian ", name, NULL);

            g_set_prgname(prgname);   /* GOptionContext's Usage line: "duixian check …" */
            return commands[i]->run(commands[i], argc - 1, argv + 1);
        }
    }
    fprintf(stderr, _("duixian: unknown command “%s”\n"), name);
    cli_print_commands(stderr);
    return DX_EXIT_USAGE;
}
