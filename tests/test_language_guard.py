"""Language guard: no dosing advice and no efficacy promises in user-facing text.

What is tested: every user-facing string the product ships — web and report
templates, string literals in the CLI, services, safety, web and report code
(docstrings too in the CLI, where they become help text), and every string in
the data files — is scanned for dosing advice ("recommended dose", "take 5 g",
"safe dose", "optimal", ...) and efficacy promises ("treats depression",
"cures", "helps you sleep", ...). Any hit fails the test with file and place.

One narrow exemption: the ``claim`` field of each entry in ``data/evidence.json``
states the marketing claim being tested, so it may quote promise-like wording.
No other field, file or key name is exempt.

What is NOT tested: meaning. A sentence can mislead without any of these
phrases; review still matters.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kratom_journal"
TEMPLATE_DIRS = ("web/templates", "reports/templates")
CODE_DIRS = ("cli", "services", "safety", "web", "reports")
DOCSTRINGS_ARE_USER_FACING = ("cli",)  # Typer turns command docstrings into --help text
EXEMPT_FIELD = ("evidence.json", "claim")  # (file name, key directly under claims[i])

_AMOUNT = r"\d+(?:[.,]\d+)?\s*(?:-|to)?\s*(?:\d+(?:[.,]\d+)?)?\s*"
_UNITS = r"(?:g|grams?|gr|mg|milligrams?|capsules?|caps|pills?|teaspoons?|tsp|tablespoons?|tbsp)"
_CONDITIONS = r"(?:depression|anxiety|insomnia|pain|addiction|withdrawal|sleep\s+problems?)"
_PATTERNS: dict[str, str] = {
    "recommended amount": (
        r"\brecommended\s+(?:daily\s+)?(?:dose|dosage|amount|serving|intake)s?\b"
    ),
    "optimal": r"\boptimal(?:ly)?\b",
    "ideal amount or strain": r"\bideal\s+(?:dose|dosage|amount|strain)s?\b",
    "safe amount": r"\bsafe\s+(?:dose|dosage|amount|level|limit|range)s?\b",
    "safe at an amount": r"\bsafe\s+(?:at|below|under|up\s+to)\s+\d",
    "safe to take": r"\bsafe\s+to\s+(?:take|use|combine|mix)\b",
    "take N units": (
        r"\b(?:take|taking|try|start\s+with|use|have)\s+"
        rf"(?:about\s+|around\s+|up\s+to\s+|only\s+)?{_AMOUNT}{_UNITS}\b"
    ),
    "named dose": (
        r"\b(?:starting|maintenance|effective|therapeutic|standard|right|proper)\s+"
        r"(?:dose|dosage)s?\b"
    ),
    "dosing guide": r"\bdos(?:age|ing)\s+(?:guide|chart|recommendations?|tips?)\b",
    "how much to take": r"\bhow\s+much\s+(?:kratom\s+)?to\s+take\b",
    "tolerance break": r"\btolerance[\s-]+break\b",
    "daily limit": r"\bdaily\s+limit\b",
    "treats a condition": (
        r"\b(?:treats?|treating|heals?|fix(?:es)?|eliminates?|relieves?|alleviates?)\s+"
        rf"(?:your\s+)?{_CONDITIONS}\b"
    ),
    "cures": r"\bcur(?:e|es|ed|ing)\b",
    "proven to": r"\b(?:clinically\s+)?(?:proven|guaranteed)\s+to\b",
    "will improve": r"\bwill\s+(?:improve|help|fix|boost|lift)\s+(?:your\s+)?(?:sleep|mood)\b",
    "helps you sleep": r"\bhelps?\s+you\s+(?:sleep|fall\s+asleep|relax)\b",
    "best strain": (
        r"\bbest\s+(?:kratom\s+)?(?:strain|vein|product)s?\b"
        r"|\bbest\s+(?:kratom\s+)?for\s+sleep\b"
    ),
    "no interaction": r"\bno\s+(?:known\s+)?interactions?\b",
    "stop now": (
        r"\bstop\s+(?:taking\s+|using\s+)?(?:kratom\s+|it\s+)?"
        r"(?:now|immediately|right\s+away|today)\b"
    ),
}
FORBIDDEN: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE) for name, pattern in _PATTERNS.items()
}


def violations(text: str) -> list[str]:
    """Names of the forbidden patterns found in ``text``."""
    return [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]


# --- collecting user-facing strings ------------------------------------------------


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def python_strings(path: Path, with_docstrings: bool) -> Iterator[tuple[str, str]]:
    """(``file:line``, text) for every string literal (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = set() if with_docstrings else _docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield f"{path.relative_to(PACKAGE)}:{node.lineno}", node.value


JsonPath = tuple[str | int, ...]


def json_strings(value: object, where: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """(path, text) for every string value in parsed JSON."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from json_strings(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_strings(item, (*where, index))


def is_exempt(file_name: str, where: tuple[str | int, ...]) -> bool:
    """Only ``claims[i].claim`` in evidence.json, nothing deeper or elsewhere."""
    return (
        file_name == EXEMPT_FIELD[0]
        and len(where) == 3
        and where[0] == "claims"
        and isinstance(where[1], int)
        and where[2] == EXEMPT_FIELD[1]
    )


def user_facing_strings() -> Iterator[tuple[str, str]]:
    for folder in TEMPLATE_DIRS:
        for path in sorted((PACKAGE / folder).rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".md", ".j2", ".jinja"}:
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    yield f"{path.relative_to(PACKAGE)}:{number}", line
    for folder in CODE_DIRS:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            yield from python_strings(path, folder in DOCSTRINGS_ARE_USER_FACING)
    for path in sorted((PACKAGE / "data").rglob("*.json")):
        for where, text in json_strings(json.loads(path.read_text(encoding="utf-8"))):
            if not is_exempt(path.name, where):
                yield f"{path.relative_to(PACKAGE)}:{'.'.join(map(str, where))}", text


# --- the guard ---------------------------------------------------------------------


def test_no_dosing_advice_or_efficacy_promises() -> None:
    hits = [
        f"{place}: {', '.join(found)}: {text[:120]!r}"
        for place, text in user_facing_strings()
        if (found := violations(text))
    ]
    assert not hits, "forbidden wording in user-facing text:\n" + "\n".join(hits)


def test_guard_scans_something() -> None:
    places = {place.split(":")[0] for place, _ in user_facing_strings()}
    assert any(p.startswith("data/") for p in places)
    assert any(p.startswith("safety/") for p in places)


@pytest.mark.parametrize(
    "text",
    [
        "The recommended dose is 3 g.",
        "Find your optimal amount",
        "take 5 g before bed",
        "Take 2.5 grams",
        "try 2-4 capsules",
        "This is a safe dose for most people",
        "safe at 4 g",
        "It treats depression",
        "kratom cures insomnia",
        "helps you sleep",
        "There is no interaction with sertraline",
        "Stop taking kratom now",
        "a tolerance break",
        "the best strain for sleep",
        "it is safe to combine these",
        "clinically proven to improve rest",
    ],
)
def test_guard_catches_forbidden_wording(text: str) -> None:
    assert violations(text)


@pytest.mark.parametrize(
    "text",
    [
        "You logged 5 g on 3 days.",
        "doses/day: rising",
        "No dose logged today.",
        "not in our list — ask a pharmacist",
        "stopping suddenly after regular use can cause withdrawal",
        "No clinical study has tested kratom as a depression treatment.",
        "The claim rests on marketing only.",
    ],
)
def test_guard_leaves_plain_reporting_alone(text: str) -> None:
    assert not violations(text)


def test_exemption_is_narrow() -> None:
    assert is_exempt("evidence.json", ("claims", 0, "claim"))
    assert not is_exempt("evidence.json", ("claims", 0, "summary"))
    assert not is_exempt("evidence.json", ("claims", 0, "journal_tests", 0, "claim"))
    assert not is_exempt("interactions.json", ("claims", 0, "claim"))
    assert not is_exempt("evidence.json", ("claim",))


def test_every_claim_has_the_exempt_field() -> None:
    """The exempt field exists and holds the quoted claim, and nothing else in the file."""
    raw = json.loads((PACKAGE / "data" / "evidence.json").read_text(encoding="utf-8"))
    assert all(isinstance(c["claim"], str) and c["claim"] for c in raw["claims"])
