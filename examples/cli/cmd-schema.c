/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian schema: prints the JSON Schema of rules files
 * (data/duixian-rules.schema.json, also installed under share/duixian/),
 * as the build embedded it, for editors and validators.
 */
#include "dx-cli-private.h"
#include "dx-rules-schema.h"

#include <stdio.h>

static int
cmd_schema(const DxCliCommand *cmd, int argc, char **argv)
{
    int rc = dx_cli_parse(cmd, NULL, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc != 1)
        return dx_cli_usage_error(cmd, _("schema takes no arguments"));
    fputs(dx_rules_schema_json, stdout);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_schema = {
    "schema", "", N_("print the JSON Schema of rules files (duixian/1 and duixian/2)"),
    "usage: duixian schema\n",
    N_("Print the JSON Schema (draft 2020-12) that rules files (duixian/1 and\n"
    "duixian/2) follow, for editors and validators. The same file is installed as\n"
    "share/duixian/duixian-rules.schema.json. `duixian check` is the full check:\n"
    "the schema cannot say everything (expressions, references between keys)."),
    "examples:\n"
    "  duixian schema > duixian-rules.schema.json\n"
    "  duixian schema | python3 -m json.tool\n",
    cmd_schema,
};
