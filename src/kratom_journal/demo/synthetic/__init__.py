"""Synthetic wearable data: seeded nights and export files in each vendor's format.

Used by the demo journal, the tests (small fixtures written on the fly) and
``bench/`` (large exports). Never shipped as an importer: nothing in the product
reads these files except the importers under test.
"""

from kratom_journal.demo.synthetic.apple_health import (
    AppleOptions,
    apple_export_text,
    write_apple_health,
)
from kratom_journal.demo.synthetic.nights import (
    NightPlan,
    SyntheticNight,
    generate_nights,
    night_like,
)
from kratom_journal.demo.synthetic.vendors import (
    write_fitbit,
    write_garmin,
    write_health_connect,
    write_oura,
    write_samsung,
    write_sleep_as_android,
)

__all__ = [
    "AppleOptions",
    "NightPlan",
    "SyntheticNight",
    "apple_export_text",
    "generate_nights",
    "night_like",
    "write_apple_health",
    "write_fitbit",
    "write_garmin",
    "write_health_connect",
    "write_oura",
    "write_samsung",
    "write_sleep_as_android",
]
