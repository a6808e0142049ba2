"""The Insights page over the demo journal: one card per family, the details folded away."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from kratom_journal.web import WebSettings, create_app

METHOD_WORDS = re.compile(r"ar1_|reml|q\s*=|p\s*=|q-value|p-value|Kenward|Huber", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kratom_journal.demo.build import build_demo_journal

    journal, path = build_demo_journal(tmp_path_factory.mktemp("demo") / "demo.sqlite3", days=120)
    journal.close()
    return path


@pytest.fixture(scope="module")
def demo_page(demo_path: Path) -> Iterator[BeautifulSoup]:
    app = create_app(WebSettings(db=str(demo_path)))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        response = client.get("/insights")
        assert response.status_code == 200
        yield BeautifulSoup(response.text, "html.parser")


def _main(page: BeautifulSoup) -> BeautifulSoup:
    main = page.find("main")
    assert main is not None
    return main


def _outside_details(page: BeautifulSoup) -> str:
    main = BeautifulSoup(str(_main(page)), "html.parser")
    for details in main.find_all("details"):
        for child in list(details.children):
            if getattr(child, "name", None) != "summary":
                child.extract()
    return main.get_text(" ", strip=True)


def test_the_first_sentence_is_a_primary_answer(demo_page: BeautifulSoup) -> None:
    first = _main(demo_page).find("p")
    assert first is not None and "answer" in first.get("class", [])
    text = first.get_text(" ", strip=True)
    assert text.endswith(".") and text.count(". ") == 0, text
    assert re.match(
        r"(No meaningful difference|Not clear yet|Not enough nights|.* associated with)", text
    ), text


def test_one_card_per_family_with_a_details_expander(demo_page: BeautifulSoup) -> None:
    cards = _main(demo_page).select("section.insight")
    titles = [c.find("h2").get_text(strip=True) for c in cards]
    for family in ("Falling asleep", "Staying asleep", "Total sleep", "Mood", "Anxiety"):
        assert family in titles
    for card in cards:
        assert len(card.select("p.answer")) <= 1
        details = card.find_all("details")
        assert len(details) == 1 and not details[0].has_attr("open")


def test_no_method_codes_or_q_values_outside_the_details(demo_page: BeautifulSoup) -> None:
    outside = _outside_details(demo_page)
    assert METHOD_WORDS.search(outside) is None, METHOD_WORDS.search(outside)
    inside = _main(demo_page).find("details").get_text(" ", strip=True)
    assert "ar1_huber_reml_kr" in inside or "not fitted" in inside


def test_each_interval_is_drawn_against_its_meaningful_band(demo_page: BeautifulSoup) -> None:
    charts = _main(demo_page).select("figure.interval svg")
    assert charts, "no interval drawn"
    for svg in charts:
        band, point = svg.find("rect", class_="band"), svg.find("circle", class_="point")
        zero = svg.find("line", class_="zero")
        assert band is not None and point is not None and zero is not None
        left, width = float(band["x"]), float(band["width"])
        # One symmetric scale: the band is centred on no difference.
        assert abs((left + width / 2) - float(zero["x1"])) < 0.2
        assert "too small to matter" in svg["aria-label"]


def test_wording_never_claims_cause_or_gives_dosing_advice(demo_page: BeautifulSoup) -> None:
    text = _main(demo_page).get_text(" ", strip=True).casefold()
    assert not re.search(r"\bcaus(es|ed|ing)\b", text)
    for advice in (
        "you should take",
        "take more",
        "take less",
        "increase your dose",
        "reduce your dose",
    ):
        assert advice not in text


def test_the_withdrawal_finding_comes_first_when_there_is_one() -> None:
    from kratom_journal.analysis.answers import Answer, FamilyReport
    from kratom_journal.analysis.evidence import Verdict
    from kratom_journal.analysis.insights import InsightReport, LoggingSummary, WithdrawalSummary
    from kratom_journal.services.insight_page import insight_page

    def answer(family: str, kind: str, outcome: str, verdict: Verdict) -> Answer:
        return Answer(
            family,
            kind,
            kind,
            outcome,
            True,
            0.5 if outcome.endswith("index") else 10.0,
            False,
            60,
            verdict=verdict,
            estimate=0.9,
            ci_low=0.5,
            ci_high=1.3,
            window=2,
        )

    onset = FamilyReport(
        "sleep_onset",
        "Falling asleep",
        "q",
        "sol_min",
        answer("sleep_onset", "sustained_use", "sol_min", Verdict.NOT_CLEAR_YET),
        None,
        (),
    )
    rebound = answer(
        "withdrawal", "after_skipped_dose", "sleep_and_mood_index", Verdict.ASSOCIATED_WORSE
    )
    withdrawal = FamilyReport(
        "withdrawal", "After a skipped dose", "q", "sleep_and_mood_index", None, rebound, ()
    )
    report = InsightReport(
        results=(),
        withdrawal=WithdrawalSummary(True, 9, 2),
        n_tests=2,
        families=(onset, withdrawal),
        logging=LoggingSummary(60, 60),
    )
    page = insight_page(report)
    assert page.withdrawal_first and page.cards[0].id == "withdrawal"
    assert page.first_sentence.startswith(
        "The first 2 nights after a day without kratom are associated with worse"
    )
    assert "withdrawal" in page.first_sentence
    calm = insight_page(replace_rebound(report, Verdict.NOT_CLEAR_YET))
    assert not calm.withdrawal_first and calm.cards[0].id == "sleep_onset"


def replace_rebound(report, verdict):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    families = tuple(
        replace(f, rebound=f.rebound.with_verdict(verdict)) if f.rebound is not None else f
        for f in report.families
    )
    return replace(report, families=families)


def test_the_safety_page_shows_the_rebound_question(demo_path: Path) -> None:
    app = create_app(WebSettings(db=str(demo_path)))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        page = BeautifulSoup(c.get("/safety").text, "html.parser")
    panel = page.find(id="rebound")
    assert panel is not None
    assert "nights after a skipped dose" in panel.find("h3").get_text()
    assert "after a day without kratom" in panel.get_text()
