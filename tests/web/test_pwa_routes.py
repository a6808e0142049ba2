"""The installable app's routes: manifest, service worker, More, offline page, assets version."""

from __future__ import annotations

import json
import struct
from html import escape
from pathlib import Path

from fastapi.testclient import TestClient

from kratom_journal.store.journal import open_journal
from kratom_journal.web.assets import STATIC, asset_version, static_url, version_of
from kratom_journal.web.views import NAV, TABS


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_names_the_app_and_its_icons(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Kratom Journal"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith(manifest["scope"])
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    for size in (192, 512):
        src = sizes[f"{size}x{size}"]
        assert png_size(STATIC / Path(src.split("?")[0]).name) == (size, size)
        assert client.get(src).status_code == 200
    assert [s["name"] for s in manifest["shortcuts"]] == [
        "Log a dose",
        "Last night's sleep",
        "Mood",
    ]


def test_discreet_mode_names_it_sleep_journal(web_db: Path, client: TestClient) -> None:
    journal = open_journal(web_db)
    journal.settings.set("discreet", "on")
    journal.close()
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Sleep Journal"
    assert "kratom" not in json.dumps(manifest).lower()


def test_service_worker_is_served_for_the_whole_app(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert f'var VERSION = "{asset_version()}"' in response.text
    assert static_url("app.css") in response.text
    assert 'addEventListener("fetch"' in response.text


def test_pages_link_the_manifest_and_versioned_assets(client: TestClient) -> None:
    page = client.get("/more").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert static_url("app.css") in page
    assert 'class="tabbar"' in page
    for key, href, label in NAV:
        if key not in {tab for tab, _, _ in TABS}:
            assert f'href="{href}">{escape(label)}</a>' in page
    assert "manifest-src 'self'" in client.get("/more").headers["content-security-policy"]


def test_offline_page(client: TestClient) -> None:
    assert "Offline" in client.get("/offline").text


def test_assets_version_changes_with_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("body{}")
    first = version_of(tmp_path)
    assert first == version_of(tmp_path)
    assert len(first) == 12
    (tmp_path / "a.css").write_text("body{color:red}")
    assert version_of(tmp_path) != first
    (tmp_path / "b.js").write_text("")
    assert len({first, version_of(tmp_path)}) == 2
