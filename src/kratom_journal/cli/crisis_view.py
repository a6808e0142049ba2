"""Render a crisis notice in the terminal. The words come from safety/crisis.py."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from kratom_journal.safety.crisis import CrisisLine, CrisisNotice

_VERBS = {"call": "call", "text": "text", "chat": "chat at", "web": "see"}


def contact_text(line: CrisisLine) -> str:
    """``call 988 · text 988 · chat at https://988lifeline.org``"""
    return " · ".join(f"{_VERBS.get(kind, kind)} {value}" for kind, value in line.contacts)


def crisis_panel(notice: CrisisNotice) -> Panel:
    """The crisis screen as a Rich panel: lines first, then the directory and the no-alert note."""
    parts: list[Text] = [Text(notice.message), Text()]
    danger = notice.danger
    if notice.emergency_number:
        danger += f" Emergency number: {notice.emergency_number}."
    parts.append(Text(danger, style="bold"))
    parts.append(Text())
    for line in notice.lines:
        parts.append(_line(line))
    if notice.fallback_note:
        parts.append(Text(notice.fallback_note))
    parts.append(_line(notice.directory))
    parts.append(Text())
    parts.append(Text(notice.no_alert, style="bold"))
    return Panel(
        Group(*parts),
        title=Text(notice.headline, style="bold"),
        border_style="red",
        padding=(1, 2),
    )


def _line(line: CrisisLine) -> Text:
    text = Text("• ")
    text.append(line.name, style="bold")
    text.append(f": {contact_text(line)}")
    languages = f"; languages: {', '.join(line.languages)}" if line.languages else ""
    text.append(
        f"  ({line.hours}{languages}; verified {line.last_verified.isoformat()})", style="dim"
    )
    return text


def show_crisis(notice: CrisisNotice, target: Console) -> None:
    """Print the crisis screen."""
    target.print(crisis_panel(notice))
