"""Parts of the product that a build may not include yet.

A page asks for a service module by name; when it is missing the page shows a
plain "not available in this build" panel instead of failing.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

FEATURES: dict[str, tuple[str, ...]] = {
    "questionnaires": ("kratom_journal.services.questionnaires", "kratom_journal.safety.crisis"),
    "sleep_stats": ("kratom_journal.services.sleep_stats",),
    "wearables": ("kratom_journal.services.wearable_nights",),
    "insights": ("kratom_journal.services.insights",),
    "experiments": ("kratom_journal.services.experiments",),
    "safety": ("kratom_journal.services.safety",),
}
"""Feature name -> modules it needs."""


@cache
def feature(name: str) -> ModuleType | None:
    """The first module of a feature when all its modules import, else ``None``."""
    modules = []
    for module_name in FEATURES[name]:
        try:
            modules.append(importlib.import_module(module_name))
        except ImportError:
            return None
    return modules[0]


def available(name: str) -> bool:
    return feature(name) is not None


def module(name: str) -> ModuleType | None:
    """Any module by dotted name, or ``None`` when this build lacks it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
