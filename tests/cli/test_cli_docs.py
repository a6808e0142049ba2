"""Every command has help that ends with an example, and docs/cli.md shows them all, current.

What is tested: the whole Typer app, sub-apps included, walked through click; each
command's help, its closing ``Example:`` paragraph (which runs that very command),
its section in docs/cli.md, and that the page is what ``tools/cli_docs.py`` writes.
What is NOT tested: that the examples succeed (the command tests run them).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "tools" / "cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cli_docs", module)
    spec.loader.exec_module(module)
    return module


cli_docs = _cli_docs()
COMMANDS = cli_docs.all_commands()
PAGE = cli_docs.CLI_DOCS.read_text(encoding="utf-8")


def test_the_walk_finds_the_sub_commands() -> None:
    paths = {doc.path for doc in COMMANDS}
    assert {"kj", "kj log dose", "kj config set", "kj experiment plan", "kj meds add"} <= paths
    assert len(paths) == len(COMMANDS) > 40


@pytest.mark.parametrize("doc", COMMANDS, ids=lambda doc: doc.path)
def test_every_command_has_help_ending_with_an_example(doc) -> None:  # type: ignore[no-untyped-def]
    assert doc.description, f"{doc.path} has no help text"
    example = doc.example
    assert example is not None, f"the help of {doc.path} does not end with an 'Example:' paragraph"
    assert example.startswith(doc.path), f"the example of {doc.path} runs {example!r}"


@pytest.mark.parametrize("doc", COMMANDS[1:], ids=lambda doc: doc.path)
def test_every_command_appears_in_the_docs(doc) -> None:  # type: ignore[no-untyped-def]
    assert f"`{doc.path}`\n" in PAGE, f"docs/cli.md has no section for {doc.path}"
    assert f"\n{doc.example}\n" in PAGE


def test_docs_cli_md_is_current() -> None:
    assert cli_docs.render() == PAGE, "docs/cli.md is out of date: run python3 tasks.py cli-docs"


def test_the_readme_links_the_reference() -> None:
    assert "(docs/cli.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
