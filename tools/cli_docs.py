"""Write docs/cli.md, the reference of every ``kj`` command, from the commands' own help.

    python3 tasks.py cli-docs          # or: .venv/bin/python tools/cli_docs.py
    .venv/bin/python tools/cli_docs.py --check   # exit 1 when docs/cli.md is out of date

Each command's help ends with an ``Example:`` paragraph (tests/cli/test_cli_docs.py
checks it); the page shows the help, the usage line, the options and that example.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import typer

ROOT = Path(__file__).resolve().parents[1]
CLI_DOCS = ROOT / "docs" / "cli.md"
EXAMPLE = "Example:"

HEADER = """\
# Command-line reference

Every `kj` command (the same program is installed as `kratom-journal`), with its
options and an example. The global option `--db` (or the `KRATOM_JOURNAL_DB`
environment variable) chooses the journal: a file path or an SQLAlchemy URL, given
before the command (`kj --db journal.sqlite3 list`).

This page is written from the commands' own `--help` by `python3 tasks.py cli-docs`;
the tests fail when it is out of date.
"""


@dataclass(frozen=True)
class CommandDoc:
    """One command or command group as the reference shows it."""

    path: str  # "kj log dose"
    depth: int  # 0 for kj, 1 for kj log, 2 for kj log dose
    command: click.Command
    context: click.Context

    @property
    def help(self) -> str:
        return (self.command.help or "").strip()

    @property
    def description(self) -> str:
        """The help without its closing example."""
        paragraphs = self.help.split("\n\n")
        if paragraphs and paragraphs[-1].startswith(EXAMPLE):
            paragraphs = paragraphs[:-1]
        return "\n\n".join(paragraphs).strip()

    @property
    def example(self) -> str | None:
        """The command line of the help's closing ``Example:`` paragraph."""
        last = self.help.split("\n\n")[-1]
        if not last.startswith(EXAMPLE):
            return None
        return " ".join(last[len(EXAMPLE) :].split())

    @property
    def summary(self) -> str:
        return self.description.split("\n\n")[0].replace("\n", " ")

    @property
    def anchor(self) -> str:
        return self.path.replace(" ", "-")


def kj_app() -> click.Command:
    from kratom_journal.cli.app import app

    return typer.main.get_command(app)


def all_commands(root: click.Command | None = None) -> list[CommandDoc]:
    """The ``kj`` command and every command and sub-command below it, in help order."""
    root = root or kj_app()
    return list(_walk(root, click.Context(root, info_name="kj"), 0))


def _walk(command: click.Command, context: click.Context, depth: int) -> Iterator[CommandDoc]:
    yield CommandDoc(context.command_path, depth, command, context)
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(sub, click.Context(sub, info_name=name, parent=context), depth + 1)


def _plain(text: str) -> str:
    """Help text without Rich's escapes and markup, safe inside a Markdown table."""
    text = text.replace("\\[", "[")
    text = re.sub(r"\[/?(bold|dim|italic|red|green|yellow|cyan)\]", "", text)
    return " ".join(text.split()).replace("|", "\\|")


def _options(doc: CommandDoc) -> list[tuple[str, str]]:
    rows = []
    for param in doc.command.get_params(doc.context):
        if param.name == "help":
            continue
        record = param.get_help_record(doc.context)
        if record is None:  # an argument: click has no help record for it
            name = param.human_readable_name
            text = getattr(param, "help", None) or ""
            if param.required:
                text = f"{text} [required]".strip()
            record = (name, text)
        rows.append((f"`{_plain(record[0])}`", _plain(record[1])))
    return rows


def render(commands: list[CommandDoc] | None = None) -> str:
    """The text of docs/cli.md."""
    commands = commands or all_commands()
    root, rest = commands[0], commands[1:]
    lines = [HEADER, f"{root.description}\n", "## Commands\n"]
    for doc in rest:
        indent = "  " * (doc.depth - 1)
        lines.append(f"{indent}- [`{doc.path}`](#{doc.anchor}): {_plain(doc.summary)}")
    lines.append("")
    for doc in rest:
        lines.extend(_section(doc))
    return "\n".join(lines).rstrip() + "\n"


def _section(doc: CommandDoc) -> list[str]:
    heading = "#" * min(doc.depth + 1, 4)
    usage = " ".join([doc.path, *doc.command.collect_usage_pieces(doc.context)])
    lines = [f"{heading} `{doc.path}`", "", doc.description, ""]
    lines += [f"Usage: `{usage}`", ""]
    options = _options(doc)
    if options:
        lines += ["| argument or option | what it does |", "| --- | --- |"]
        lines += [f"| {name} | {text} |" for name, text in options]
        lines.append("")
    if doc.example:
        lines += ["Example:", "", "```sh", doc.example, "```", ""]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check docs/cli.md is current")
    args = parser.parse_args()
    text = render()
    if args.check:
        if CLI_DOCS.read_text(encoding="utf-8") != text:
            print(f"{CLI_DOCS.relative_to(ROOT)} is out of date: run python3 tasks.py cli-docs")
            return 1
        return 0
    CLI_DOCS.write_text(text, encoding="utf-8")
    print(f"wrote {CLI_DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
