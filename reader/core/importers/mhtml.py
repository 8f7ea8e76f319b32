"""Web archives (.mhtml, .mht): the page and its images, all from the one file."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from email.message import EmailMessage
from urllib.parse import urljoin

from reader.core.errors import ImportFailed
from reader.core.images import MAX_IMAGE_BYTES, image_refs, image_type
from reader.core.importers import Importer
from reader.core.importers.html import extract_page
from reader.core.models import ExtractedDocument

_MAX_PARTS = 2000


def extract(data: bytes, name: str, encoding: str | None = None) -> ExtractedDocument:
    """Import a web archive: the first HTML part is the page, other parts its resources."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the email parser is lenient; anything it still raises is damage
        raise ImportFailed("the web archive is damaged") from exc
    if not message.is_multipart():
        raise ImportFailed("it is not a web archive (no parts in it)")
    parts = [p for p in message.walk() if not p.is_multipart()][:_MAX_PARTS]
    page = next(
        (p for p in parts if p.get_content_type() in ("text/html", "application/xhtml+xml")), None
    )
    if not isinstance(page, EmailMessage):
        raise ImportFailed("the web archive holds no web page")
    html = _text(page, encoding)
    base = str(page.get("Content-Location") or "")
    doc = extract_page(html, name, encoding or page.get_content_charset() or "utf-8")
    resources: dict[str, bytes] = {}
    for part in parts:
        if part is page or part.get_content_maintype() != "image":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or len(payload) > MAX_IMAGE_BYTES:
            continue
        if image_type(payload) is None:
            continue
        if location := part.get("Content-Location"):
            resources[str(location).strip()] = payload
        if content_id := part.get("Content-ID"):
            resources["cid:" + str(content_id).strip().strip("<>")] = payload
    images: dict[str, bytes] = {}
    for ref in image_refs(doc):
        found = resources.get(ref) or resources.get(urljoin(base, ref))
        if found is not None:
            images[ref] = found
    return replace(doc, images=images, format="mhtml")


def _text(part: EmailMessage, encoding: str | None) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise ImportFailed("the web archive's page is empty")
    charset = encoding or part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


IMPORTER = Importer("mhtml", frozenset({".mhtml", ".mht"}), extract)
