"""schemathesis against /api/v1: whatever a client sends, never a server error (kept small)."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from kratom_journal.web import WebSettings, create_app

warnings.filterwarnings("ignore", message=".*httpx.*")

_FOLDER = Path(tempfile.mkdtemp(prefix="kj-api-fuzz-"))
# The in-process client addresses the app as "testserver".
app = create_app(
    WebSettings(
        db=str(_FOLDER / "fuzz.sqlite3"), allowed_hosts=("127.0.0.1", "localhost", "testserver")
    )
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
