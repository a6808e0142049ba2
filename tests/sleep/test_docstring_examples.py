"""Run the worked examples in the docstrings of the scoring and sleep modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "kratom_journal.sleep.metrics",
    "kratom_journal.sleep.summary",
    "kratom_journal.sleep.regularity",
    "kratom_journal.instruments.scoring",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
