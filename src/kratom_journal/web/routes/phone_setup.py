"""The phone set-up page: the journal's certificate authority, the LAN link as a QR code, steps."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.services.lan_certificates import existing_ca, fingerprint
from kratom_journal.web.deps import web_settings_for
from kratom_journal.web.views import not_found, render

router = APIRouter(include_in_schema=False)

CA_MEDIA_TYPE = "application/x-x509-ca-cert"


def qr_svg(text: str, title: str) -> str:
    """``text`` as an inline SVG QR code (made here: nothing is fetched from anywhere)."""
    import segno

    svg = segno.make(text, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=title, svgclass="qr"
    )
    return str(svg).replace("<svg ", '<svg role="img" ', 1)


@router.get("/phone-setup", response_class=HTMLResponse)
def phone_setup(request: Request) -> Response:
    settings = web_settings_for(request)
    pem = existing_ca(settings.db)
    link = None
    if settings.public_url:
        token = settings.access_token
        link = f"{settings.public_url}?token={token}" if token else settings.public_url
    return render(
        request,
        "phone_setup.html",
        {
            "page": "settings",
            "title": "Set up your phone",
            "link": link,
            "qr": qr_svg(link, "QR code of the link for your phone") if link else None,
            "fingerprint": fingerprint(pem) if pem else None,
        },
    )


@router.get("/ca.crt")
def ca_download(request: Request) -> Response:
    """The certificate authority to install on the phone (its key never leaves the computer)."""
    pem = existing_ca(web_settings_for(request).db)
    if pem is None:
        return not_found(request, "No certificate yet: start the journal with kj serve --lan.")
    return Response(
        pem,
        media_type=CA_MEDIA_TYPE,
        headers={"content-disposition": 'attachment; filename="journal-local-ca.crt"'},
    )
