"""The il2kg command line: a click group of thin commands, one module per group of commands.

Each command parses its options, calls one function of the library, and prints or writes; the group
turns the library's errors into one line on stderr and a documented exit code (see cli.options).
"""

from __future__ import annotations

import click

from il2kg.cli.build_commands import build, extract
from il2kg.cli.check_commands import check, evaluate, validate_command
from il2kg.cli.export_commands import export, push
from il2kg.cli.options import Il2kgGroup
from il2kg.cli.query_commands import queries, query, serve
from il2kg.cli.view_commands import viz

__all__ = ["main"]


@click.group(cls=Il2kgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="il2kg")
def main() -> None:
    """il2kg: a knowledge graph of the clinical evidence for low-dose interleukin-2 therapy."""


for command in (build, extract, validate_command, check, evaluate, query, queries, serve, viz, export, push):
    main.add_command(command)
