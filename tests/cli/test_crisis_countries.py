"""The crisis screen for every country a person can choose in Settings.

What is tested: for each country of ``jurisdiction_choices()``, the CLI crisis
screen built from the journal's country setting shows that country's first
crisis line or, saying there is none on file, the worldwide directory, and
always the directory and the no-alert statement. What is NOT tested: the web
page (tests/web/test_questionnaires.py) or whether the numbers are current.
"""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from kratom_journal.cli.crisis_view import show_crisis
from kratom_journal.services.questionnaires import crisis_notice_for
from kratom_journal.services.safety import jurisdiction_choices
from kratom_journal.services.settings import read_settings, set_setting
from kratom_journal.store.journal import Journal

CHOICES = jurisdiction_choices()


@pytest.mark.parametrize("code", [c.code for c in CHOICES])
def test_the_crisis_screen_for_every_country_shows_a_line_or_the_directory(
    journal: Journal, code: str
) -> None:
    """What the CLI prints when the country chosen in Settings is ``code``."""
    set_setting(journal, "country", code)
    notice = crisis_notice_for(journal, read_settings(journal))
    screen = StringIO()
    show_crisis(notice, Console(file=screen, width=200))
    text = screen.getvalue()
    assert "findahelpline.com" in text and "alerts no one" in text
    if notice.lines:
        assert notice.lines[0].contacts[0][1] in text
    else:
        assert "no crisis line on file for your country" in text
