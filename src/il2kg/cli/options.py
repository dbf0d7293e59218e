"""What the commands share: the error translation of the group, bad-input errors, progress, common options."""

from __future__ import annotations

from pathlib import Path

import click

from il2kg.errors import Il2kgError


class InputError(click.ClickException):
    """Bad input: one line on stderr, exit 2."""

    exit_code = 2


class Il2kgGroup(click.Group):
    """Translate library errors once: expected problems print one line, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Il2kgError as err:
            code = getattr(err, "exit_code", 2)
            click.echo(f"il2kg: {err}", err=True)
            ctx.exit(code)
        except OSError as err:  # a file we could not read or write: name it, say why
            where = err.filename if err.filename is not None else "a file"
            click.echo(f"il2kg: {where}: {err.strerror or err}; check the path and its permissions", err=True)
            ctx.exit(2)


def progress(message: str) -> None:
    """Progress and logs go to stderr."""
    click.echo(message, err=True)


corpus_option = click.option("--corpus", type=click.Path(path_type=Path, file_okay=False),
                             help="Folder of source documents.")
store_option = click.option("--store", default=None, metavar="memory|oxigraph:PATH",
                            help="Where the graph lives: memory, or a persistent Oxigraph store (default: "
                                 "the on-disk store above 16 MB of data, else memory).")
