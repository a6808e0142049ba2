"""``kj share``: share this journal with a clinic's or study's server, sync it, stop sharing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.prompt import Confirm

from kratom_journal.cli.common import (
    command_clock,
    console,
    fail,
    interactive,
    open_from_context,
    say,
)

share_app = typer.Typer(
    help="Share this journal with a clinic's or study's server (only what you agree to).\n\n"
    "Example: kj share --server https://journal.example.org --code abcd-efgh-jkmn",
    invoke_without_command=True,
)


def _answer(text: str) -> bool:
    choice = text.strip().lower()
    if choice not in ("yes", "no", "y", "n"):
        fail(f"--answer: expected yes or no, got {text!r}")
    return choice in ("yes", "y")


@share_app.callback()
def share_command(
    ctx: typer.Context,
    server: Annotated[str | None, typer.Option(help="The server's address (https://...).")] = None,
    code: Annotated[str | None, typer.Option(help="The invite code you were given.")] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", help="Answer to each eligibility question, in order (yes/no)."),
    ] = None,
    agree: Annotated[
        bool, typer.Option("--agree", help="Agree to the consent shown, without asking.")
    ] = False,
    name: Annotated[
        str, typer.Option(help="Your name as the clinician should see it (clinician invites).")
    ] = "",
) -> None:
    """Join with an invite code: see what is asked, answer, agree, and push what it covers.

    Later changes are sent with 'kj share sync'. For a study only entries from today
    on are sent, without notes, under a study id instead of your name.

    Example: kj share --server https://journal.example.org --code abcd-efgh-jkmn
    """
    if ctx.invoked_subcommand is not None:
        return
    if not server or not code:
        fail("give --server and --code (or a subcommand: sync, status, withdraw)")
    from kratom_journal.services import share_client

    offer = share_client.read_invite(server, code)
    if offer.kind == "study":
        say(f"Study: [bold]{escape(offer.title)}[/] — {escape(offer.summary)}")
    else:
        say(f"Clinician: [bold]{escape(offer.clinician)}[/]")
    say(f"You would share: {', '.join(offer.areas)} (nothing else).")
    given = [_answer(a) for a in answer or []]
    answers: list[bool] = []
    for index, question in enumerate(offer.questions):
        if index < len(given):
            answers.append(given[index])
        elif interactive():
            answers.append(Confirm.ask(escape(question)))
        else:
            fail(f"answer the eligibility question {index + 1} with --answer: {question}")
    if offer.consent_text:
        console.print(escape(offer.consent_text), soft_wrap=True)
        say(f"Protocol SHA-256: {offer.protocol_hash}")
    if not agree and not (interactive() and Confirm.ask("Do you agree?", default=False)):
        fail("nothing was shared (agree with --agree, or answer yes when asked)")
    journal = open_from_context(ctx)
    pushed = share_client.join(journal, offer, answers, display_name=name, clock=command_clock())
    who = f" as {pushed.link.pseudonym}" if pushed.link.pseudonym else ""
    say(f"Shared{who}: sent {pushed.sent} records ({pushed.added} new). Run 'kj share sync' later.")


@share_app.command("sync")
def sync_command(ctx: typer.Context) -> None:
    """Send what changed since the last sync to every server this journal shares with.

    Example: kj share sync
    """
    from kratom_journal.services import share_client

    journal = open_from_context(ctx)
    results = share_client.sync_all(journal, clock=command_clock())
    if not results:
        say("This journal shares with no server.")
    for pushed in results:
        say(
            f"{pushed.link.server} ({pushed.link.kind}): sent {pushed.sent} records, "
            f"{pushed.added} new, {pushed.updated} changed, {pushed.unchanged} already there."
        )


@share_app.command("status")
def status_command(ctx: typer.Context) -> None:
    """List the servers this journal shares with.

    Example: kj share status
    """
    from kratom_journal.services import share_client

    for link in share_client.links(open_from_context(ctx)):
        state = "stopped" if link.stopped else f"last sync {link.last_synced_at or 'never'}"
        who = f", as {link.pseudonym}" if link.pseudonym else ""
        areas = ", ".join(link.areas)
        say(f"{link.id}: {link.server} — {link.kind} {escape(link.title)}{who}; {areas}; {state}")


@share_app.command("withdraw")
def withdraw_command(
    ctx: typer.Context,
    share: Annotated[int, typer.Argument(help="The share's number (see 'kj share status').")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Also delete what the server holds of it.")
    ] = False,
) -> None:
    """Stop a share; for a study this withdraws your consent.

    Example: kj share withdraw 1 --delete
    """
    from kratom_journal.services import share_client

    status = share_client.withdraw(open_from_context(ctx), share, delete, clock=command_clock())
    extra = " The server deleted its copy." if delete else ""
    say(f"Share {share} {status}.{extra} Your own journal is unchanged.")


def register(app: typer.Typer) -> None:
    """Add ``kj share``."""
    app.add_typer(share_app, name="share")
