/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian: the command-line program bureau staff run. This file holds the
 * table of commands and picks one by argv[1]; each command parses its own
 * options (GOptionContext, dx-cli-util.c) in its cmd-NAME.c file.
 *
 * Exit codes (docs/cli.md): 0 success; 1 usage; 2 the ruleset is invalid;
 * 3 an input cannot be read; 4 an output cannot be written; 5 the ledger
 * cannot be opened, read or written; 6 the ledger does not verify. Errors
 * go to stderr, one line each; results to stdout.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

static const DxCliCommand *const commands[] = {
    &dx_cli_check, &dx_cli_decide, &dx_cli_run,    &dx_cli_explain, &dx_cli_match,
    &dx_cli_report, &dx_cli_ledger, &dx_cli_verify, &dx_cli_revoke,  &dx_cli_schema,
};

static void
cli_print_commands(FILE *out)
{
    fputs("usage: duixian COMMAND [ARGS…] [OPTIONS…]\n"
          "       duixian --version\n"
          "\n"
          "commands:\n",
          out);
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->brief);
    fputs("\n"
          "duixian COMMAND --help shows a command's options and examples. Options take\n"
          "their value as --opt VALUE or --opt=VALUE.\n"
          "\n"
          "examples:\n"
          "  duixian check rules/wuchang-2022.yaml\n"
          "  duixian run rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
          "      --approval-date 2022-06-30 --ledger out/ledger.db --out out\n"
          "  duixian explain rules/wuchang-2022.yaml examples/applications-2022.csv \\\n"
          "      --approval-date=2022-06-30 --app=WC2022-00002\n"
          "\n"
          "exit codes: 0 ok, 1 usage, 2 invalid rules, 3 unreadable applications, history,\n"
          "            profile or round directory, or no such application (explain),\n"
          "            4 output error, 5 ledger error, 6 ledger does not verify\n",
          out);
}

int
main(int argc, char **argv)
{
    const char *name = argc >= 2 ? argv[1] : NULL;

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
    fprintf(stderr, "duixian: unknown command “%s”\n", name);
    cli_print_commands(stderr);
    return DX_EXIT_USAGE;
}
