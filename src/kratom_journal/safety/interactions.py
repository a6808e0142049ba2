"""Interaction checks between kratom and medicines or other substances.

A name is normalised (case, spacing, punctuation, strengths, salts and release
forms such as "ER" or "hydrochloride") and looked up among generic names,
brand names and aliases. A name that is not found is reported as *not in our
list*, never as free of interactions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from kratom_journal.domain.strains import visible_text
from kratom_journal.safety import data
from kratom_journal.safety.freshness import SOURCE_WARNING, stale_line
from kratom_journal.safety.schemas import SEVERITY_ORDER, DrugName, InteractionClass, Severity

NOT_LISTED_MESSAGE = (
    "not in our list — ask a pharmacist: we have no information on it, and not being listed "
    "does not make a combination safe."
)
ASK_LINE = (
    "Talk to a pharmacist or clinician about combining these; do not change prescribed "
    "medicines on your own."
)

_PREFIXES = ("medication:", "other:", "med:")
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|ug|µg|g|ml|iu|%|units?)?\b")
_FORM_WORDS = frozenset(
    "tablet tablets tab tabs capsule capsules cap caps pill pills oral solution suspension "
    "syrup liquid drops patch patches injection inj spray nasal sublingual film films "
    "chewable generic brand dose doses".split()
)
_SALT_AND_RELEASE_WORDS = frozenset(
    "hydrochloride hcl hbr hydrobromide sodium potassium calcium magnesium succinate tartrate "
    "bitartrate maleate mesylate besylate citrate sulfate sulphate phosphate acetate fumarate "
    "bromide chloride dihydrate monohydrate er xr sr cr xl la ir dr odt ods cd xt mr retard "
    "depot extended release delayed immediate modified sustained controlled orally "
    "disintegrating".split()
)


def normalize_drug_name(text: str) -> str:
    """Fold case, accents, punctuation and spacing; drop a ``medication:`` prefix.

    >>> normalize_drug_name("  Medication: ALPRAZOLAM-ER ")
    'alprazolam er'
    """
    folded = unicodedata.normalize("NFKC", visible_text(text)).casefold().strip()
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    folded = folded.replace("&", " and ").replace("'", "").replace("’", "")
    folded = re.sub(r"(?<=\d),(?=\d)", ".", folded)  # decimal comma: "0,5 mg"
    folded = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", folded)  # keep only decimal points
    return " ".join(re.sub(r"[^0-9a-zµ%.]+", " ", folded).split())


def _without(words: frozenset[str], name: str) -> str:
    return " ".join(w for w in name.split() if w not in words)


def _strip_strength_and_form(name: str) -> str:
    return _without(_FORM_WORDS, " ".join(_DOSE.sub(" ", name).split()))


def _strip_all(name: str) -> str:
    return _without(_SALT_AND_RELEASE_WORDS, _strip_strength_and_form(name))


@dataclass(frozen=True)
class _Index:
    exact: dict[str, DrugName]
    compact: dict[str, DrugName]
    display: dict[str, str]


@cache
def _index() -> _Index:
    exact: dict[str, DrugName] = {}
    compact: dict[str, DrugName] = {}
    display: dict[str, str] = {}

    def put(key: str, drug: DrugName, name: str) -> None:
        if key and key not in exact:
            exact[key] = drug
            display[key] = name
        squeezed = key.replace(" ", "")
        if squeezed and squeezed not in compact:
            compact[squeezed] = drug
            display.setdefault(squeezed, name)

    names = [
        (normalize_drug_name(name), drug, name)
        for drug in data.drug_names().drugs
        for name in (drug.generic, *drug.brands, *drug.aliases)
    ]
    # Every name as written first, so that a shortened form never shadows a real name
    # ("Tylenol 3" must not claim "Tylenol").
    for key, drug, name in names:
        put(key, drug, name)
    for key, drug, name in names:
        put(_without(_FORM_WORDS | _SALT_AND_RELEASE_WORDS, key), drug, name)
    return _Index(exact, compact, display)


def _find(key: str) -> tuple[DrugName, str] | None:
    index = _index()
    if key in index.exact:
        return index.exact[key], index.display[key]
    squeezed = key.replace(" ", "")
    if squeezed in index.compact:
        return index.compact[squeezed], index.display[squeezed]
    return None


def _find_parts(key: str) -> list[tuple[DrugName, str]]:
    """Match the longest runs of words inside a longer name ("alprazolam sandoz 0.5")."""
    words = key.split()
    found: list[tuple[DrugName, str]] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            hit = _find(" ".join(words[start:end]))
            if hit and all(hit[0] is not f[0] for f in found):
                found.append(hit)
                start = end
                break
        else:
            start += 1
    return found


@dataclass(frozen=True)
class InteractionCheck:
    """The result of checking one name against the shipped interaction list."""

    query: str
    matched: tuple[str, ...]
    generics: tuple[str, ...]
    classes: tuple[InteractionClass, ...]
    suggestions: tuple[str, ...] = ()

    @property
    def listed(self) -> bool:
        return bool(self.generics)

    @property
    def severity(self) -> Severity | None:
        """The most severe class severity, or ``None`` when the name is not listed."""
        return self.classes[0].severity if self.classes else None

    def headline(self) -> str:
        """One line: ``'Xanax' -> alprazolam -> benzodiazepines: dangerous``."""
        if not self.listed:
            hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
            return f"{self.query!r}: {NOT_LISTED_MESSAGE}{hint}"
        worst = self.severity.value if self.severity else "unknown"
        names = ", ".join(self.generics)
        ids = ", ".join(c.id for c in self.classes)
        return f"{self.query!r} -> {names} -> {ids}: {worst}"


def check(name: str) -> InteractionCheck:
    """Check one medicine or substance name against the interaction list."""
    key = normalize_drug_name(name)
    hits: list[tuple[DrugName, str]] = []
    for candidate in (key, _strip_strength_and_form(key), _strip_all(key)):
        hit = _find(candidate) if candidate else None
        if hit:
            hits = [hit]
            break
    if not hits and key:
        hits = _find_parts(_strip_all(key) or key)
    if not hits:
        return InteractionCheck(name, (), (), (), _suggest(key))
    return InteractionCheck(
        query=name,
        matched=tuple(display for _, display in hits),
        generics=tuple(drug.generic for drug, _ in hits),
        classes=_classes_for(hits),
    )


def _classes_for(hits: list[tuple[DrugName, str]]) -> tuple[InteractionClass, ...]:
    by_id = {c.id: c for c in data.interactions().classes}
    ids: list[str] = []
    for drug, _ in hits:
        ids.extend(i for i in drug.classes if i not in ids)
    classes = [by_id[i] for i in ids]
    return tuple(sorted(classes, key=lambda c: SEVERITY_ORDER[c.severity]))


def _suggest(key: str) -> tuple[str, ...]:
    if len(key) < 4:
        return ()
    index = _index()
    close = difflib.get_close_matches(key, list(index.exact), n=3, cutoff=0.85)
    return tuple(index.display[c] for c in close)


def explain_lines(result: InteractionCheck, today: date | None = None) -> list[str]:
    """Plain-text explanation: each class with its severity, the why, evidence and sources.

    With ``today``, a class whose as-of date is more than six months old says so.
    """
    lines = [result.headline()]
    if not result.listed:
        return lines
    if result.matched and result.matched != (result.query,):
        lines.append(f"  Matched: {', '.join(result.matched)}")
    for cls in result.classes:
        lines.append(f"  [{cls.severity.value}] {cls.name}")
        lines.append(f"    Why: {cls.mechanism}")
        lines.append(f"    Evidence ({cls.evidence_level.value}): {cls.evidence_note}")
        lines.extend(f"    Source: {s.cite()}" for s in cls.sources)
        lines.append(f"    As of {cls.as_of.isoformat()}, confidence {cls.confidence.value}")
        warning = stale_line(cls.as_of, today, SOURCE_WARNING) if today else None
        if warning:
            lines.append(f"    ! {warning}")
    lines.append(f"  {ASK_LINE}")
    return lines


def result_dict(result: InteractionCheck, today: date | None = None) -> dict[str, object]:
    """JSON-ready form of a check; ``severity`` is null when the name is not listed.

    With ``today``, each class also says whether it is ``stale`` (more than six
    months old) and carries the ``warning`` to show then.
    """
    return {
        "query": result.query,
        "listed": result.listed,
        "message": None if result.listed else NOT_LISTED_MESSAGE,
        "matched": list(result.matched),
        "generics": list(result.generics),
        "severity": result.severity.value if result.severity else None,
        "classes": [_class_dict(c, today) for c in result.classes],
        "suggestions": list(result.suggestions),
    }


def _class_dict(cls: InteractionClass, today: date | None) -> dict[str, object]:
    dumped: dict[str, object] = cls.model_dump(mode="json")
    if today is not None:
        warning = stale_line(cls.as_of, today, SOURCE_WARNING)
        dumped |= {"stale": warning is not None, "warning": warning}
    return dumped


def substance_to_check(substance: str) -> str | None:
    """Name to check for a logged substance (``medication:x`` -> ``x``); None for kratom."""
    text = substance.strip().casefold()
    for prefix in ("medication:", "other:"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip() or None
    return None if text in {"kratom", "other", ""} else text
