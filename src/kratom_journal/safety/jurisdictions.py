"""ISO 3166 country and subdivision codes, from the ``pycountry`` tables.

The legal table and the Settings choosers accept only real codes: ISO 3166-1
alpha-2 for countries (``TH``) and ISO 3166-2 for states, provinces and other
subdivisions (``US-AL``). A code that is neither is refused; it is never
quietly answered with the country's row.
"""

from __future__ import annotations

from functools import cache

import pycountry

ALIASES = {"UK": "GB", "EL": "GR"}
"""Common non-ISO spellings of country codes and the ISO code they mean."""


def country_name(code: str) -> str | None:
    """The ISO 3166-1 name of a country code, or ``None`` if it is not one.

    >>> country_name("TH")
    'Thailand'
    >>> country_name("ZZ") is None
    True
    """
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return str(country.name) if country is not None else None


@cache
def subdivisions(country: str) -> dict[str, str]:
    """ISO 3166-2 subdivision codes of a country and their names, sorted by code.

    >>> subdivisions("US")["US-AL"]
    'Alabama'
    """
    found = pycountry.subdivisions.get(country_code=country) or []  # type: ignore[no-untyped-call]
    return {str(s.code): str(s.name) for s in sorted(found, key=lambda s: str(s.code))}


def subdivision_name(code: str) -> str | None:
    """The ISO 3166-2 name of a subdivision code, or ``None`` if it is not one.

    >>> subdivision_name("US-TX")
    'Texas'
    >>> subdivision_name("US-ZZ") is None
    True
    """
    country, _, _ = code.partition("-")
    return subdivisions(country).get(code)
