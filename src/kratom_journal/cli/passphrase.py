"""The passphrase of an encrypted journal, and ``kj encrypt``, ``kj decrypt``, ``kj passphrase``.

The passphrase comes from ``--passphrase-file PATH`` (its first line), the
``KRATOM_JOURNAL_PASSPHRASE`` environment variable (for scripts), or is asked on
the terminal without echo (twice when a new one is set).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from kratom_journal.cli.common import fail, interactive, journal_target, say

PASSPHRASE_ENV = "KRATOM_JOURNAL_PASSPHRASE"

PassphraseFileOption = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="Read the passphrase of an encrypted journal from this file (its first line).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add ``kj encrypt``, ``kj decrypt`` and ``kj passphrase change``."""
    app.command("encrypt")(encrypt_command)
    app.command("decrypt")(decrypt_command)
    group = typer.Typer(
        help="The passphrase of an encrypted journal.\n\nExample: kj passphrase change",
        no_args_is_help=True,
    )
    group.command("change")(change_command)
    app.add_typer(group, name="passphrase")


def _given(ctx: typer.Context) -> str | None:
    """The passphrase from --passphrase-file or the environment (``None``: not given)."""
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    file = obj.get("passphrase_file")
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{file}: cannot read the passphrase file ({exc})")
        lines = text.splitlines()
        if not lines or not lines[0]:
            fail(f"{file}: the passphrase file is empty (the passphrase is its first line)")
        return lines[0]
    return os.environ.get(PASSPHRASE_ENV) or None


def read_passphrase(ctx: typer.Context, prompt: str = "Passphrase") -> str:
    """The passphrase of the journal, from a file, the environment or the terminal."""
    given = _given(ctx)
    if given is not None:
        return given
    if not interactive():
        fail(
            f"{journal_target(ctx)}: not a journal database (not an SQLite file), or an "
            "encrypted journal: give its passphrase with "
            f"--passphrase-file PATH or ${PASSPHRASE_ENV}"
        )
    return getpass.getpass(f"{prompt}: ")


def new_passphrase(ctx: typer.Context, *, use_given: bool = True) -> str:
    """A passphrase to set: from a file or the environment, or asked twice on the terminal."""
    given = _given(ctx) if use_given else None
    if given is not None:
        return given
    if not interactive():
        fail(
            "a new passphrase is needed: give it with --passphrase-file PATH or "
            f"${PASSPHRASE_ENV} (or run the command in a terminal)"
        )
    first = getpass.getpass("New passphrase: ")
    if not first:
        fail("the passphrase is empty; nothing was changed")
    if getpass.getpass("The same passphrase again: ") != first:
        fail("the two passphrases differ; nothing was changed")
    return first


def unlock_for_command(ctx: typer.Context) -> None:
    """Before a command opens the journal: unlock it if it is encrypted."""
    from kratom_journal.domain.errors import JournalError
    from kratom_journal.services.encryption import needs_passphrase, unlock_journal

    target = journal_target(ctx)
    try:
        if needs_passphrase(target):
            unlock_journal(target, read_passphrase(ctx))
    except JournalError as exc:
        fail(str(exc))


LOST_WARNING = (
    "Keep the passphrase safe: without it the journal cannot be opened by anyone, "
    "and its data cannot be recovered."
)


def encrypt_command(ctx: typer.Context) -> None:
    """Encrypt the journal file (SQLCipher) under a passphrase you choose.

    The journal is copied into a new encrypted file, checked, and only then
    swapped in. If the passphrase is lost, the data cannot be recovered.

    Example: kj encrypt
    """
    from kratom_journal.services.encryption import encrypt_journal

    target = journal_target(ctx)
    counts = _run(lambda: encrypt_journal(target, new_passphrase(ctx)))
    say(f"Encrypted {target} ({sum(counts.values())} rows checked). {LOST_WARNING}")


def decrypt_command(ctx: typer.Context) -> None:
    """Turn an encrypted journal back into a plain SQLite file (asks the passphrase).

    Example: kj decrypt
    """
    from kratom_journal.services.encryption import decrypt_journal

    target = journal_target(ctx)
    counts = _run(lambda: decrypt_journal(target, read_passphrase(ctx)))
    say(f"Decrypted {target} ({sum(counts.values())} rows checked); it is a plain file now.")


def change_command(
    ctx: typer.Context,
    new_file: Annotated[
        Path | None,
        typer.Option("--new-passphrase-file", help="Read the new passphrase from this file."),
    ] = None,
) -> None:
    """Re-encrypt the journal under a new passphrase.

    Example: kj passphrase change
    """
    from kratom_journal.services.encryption import change_passphrase

    target = journal_target(ctx)

    def change() -> dict[str, int]:
        old = read_passphrase(ctx, "Current passphrase")
        if new_file is not None:
            lines = _read_lines(new_file)
            new = lines[0] if lines and lines[0] else fail(f"{new_file}: the file is empty")
        else:
            new = new_passphrase(ctx, use_given=False)
        return change_passphrase(target, old, new)

    counts = _run(change)
    say(f"Changed the passphrase of {target} ({sum(counts.values())} rows checked).")


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the passphrase file ({exc})")


def _run(action: Callable[[], dict[str, int]]) -> dict[str, int]:
    from kratom_journal.domain.errors import JournalError

    try:
        return action()
    except JournalError as exc:
        fail(str(exc))
