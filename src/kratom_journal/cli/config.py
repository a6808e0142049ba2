"""``kj config`` (the journal's settings) and ``kj demo``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kratom_journal.cli.common import (
    JsonFlag,
    console,
    open_from_context,
    say,
)

config_app = typer.Typer(
    help="Journal settings (time zone, country, region, ...).\n\n"
    "Example: kj config set timezone Europe/Berlin",
    no_args_is_help=True,
)


@config_app.command("set")
def config_set(ctx: typer.Context, key: str, value: str) -> None:
    """Set a setting.

    Example: kj config set timezone Europe/Berlin
    """
    from kratom_journal.services.settings import set_setting

    journal = open_from_context(ctx)
    say(f"{key} = {set_setting(journal, key, value)}")


@config_app.command("get")
def config_get(ctx: typer.Context, key: str) -> None:
    """Show one setting.

    Example: kj config get timezone
    """
    from kratom_journal.services.settings import effective_settings

    journal = open_from_context(ctx)
    say(effective_settings(journal).get(key, "(not set)"))


@config_app.command("list")
def config_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Show all settings.

    Example: kj config list
    """
    from kratom_journal.services.settings import effective_settings

    journal = open_from_context(ctx)
    settings = effective_settings(journal)
    if as_json:
        typer.echo(json.dumps(settings, indent=1))
        return
    for key, value in settings.items():
        say(f"{key} = {value}")


@config_app.command("unset")
def config_unset(ctx: typer.Context, key: str) -> None:
    """Remove a setting (its default applies again).

    Example: kj config unset region
    """
    from kratom_journal.services.settings import unset_setting

    journal = open_from_context(ctx)
    unset_setting(journal, key)
    say(f"{key} unset")


def demo_command(
    days: Annotated[int, typer.Option(help="Days of journal to generate (at least 120).")] = 150,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 7,
    path: Annotated[
        Path | None,
        typer.Option(
            help="Demo journal file (default: a demo file beside, never in, your journal)."
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Open the demo in the web app.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the web app.")] = 8000,
) -> None:
    """Build a realistic demo journal in its own database and show it.

    Example: kj demo
    """
    from kratom_journal.demo.build import build_demo_journal, summary_rows

    journal, target = build_demo_journal(path, days=days, seed=seed)
    table = Table("what", "count", title=f"Demo journal at {target}")
    for label, count in summary_rows(journal):
        table.add_row(label, str(count))
    console.print(table)
    say("This demo is generated data, not advice: effects in it are noisy and mixed.")
    if serve:
        _serve_demo(target, port)


def _serve_demo(path: Path, port: int) -> None:
    """Serve the demo journal in the web app, on loopback."""
    from kratom_journal.cli.web import serve_journal

    serve_journal(str(path), host="127.0.0.1", port=port)
