"""Saved web pages: article text and metadata, nothing active or remote survives."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import extract_bytes

PARAGRAPH = (
    "The harbour bridge reopened on Sunday after two years of repairs, with wider pavements "
    "and a new cycle lane on its northern side, the city council said in a statement."
)
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="gb2312">
<title>Bridge reopens | The Harbour Post</title>
<meta property="og:title" content="Harbour bridge reopens after two years">
<meta property="og:site_name" content="The Harbour Post">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2023-05-14T09:30:00+02:00">
<script>alert("never runs"); document.write("INJECTED")</script>
<style>body {{ color: red }}</style>
</head><body>
<nav><a href="/">Home</a> &gt; <a href="/city">City</a></nav>
<article>
<h1>Harbour bridge reopens after two years</h1>
<p>{PARAGRAPH}</p>
<p onclick="steal()">Residents said the closure had cost shops customers — 居民表示满意.</p>
<img src="https://tracker.example/pixel.gif">
<iframe src="https://ads.example/frame"></iframe>
<form action="https://evil.example"><input name="q"></form>
<p>{PARAGRAPH}</p>
</article>
<footer>Copyright 2023 The Harbour Post</footer>
</body></html>
"""


def test_article_and_metadata_from_a_page():
    doc = extract_bytes(PAGE.encode("utf-8"), "bridge.html")  # declares gb2312, is UTF-8
    assert doc.title == "Harbour bridge reopens after two years"
    assert doc.date == dt.date(2023, 5, 14)
    assert doc.byline == "Jane Doe"
    assert doc.source == "The Harbour Post"
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert doc.paragraphs[0].startswith("The harbour bridge reopened on Sunday")
    assert "居民表示满意" in doc.text
    for hostile in ("alert", "INJECTED", "steal", "tracker.example", "evil.example", "color: red"):
        assert hostile not in doc.text


def test_a_gbk_page_that_says_so():
    page = PAGE.replace("居民表示满意", "居民表示满意，大桥重新开放").encode("gb18030")
    doc = extract_bytes(page, "bridge.htm")
    assert "大桥重新开放" in doc.text


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html><html><body><nav>Home</nav></body></html>",
        b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000 + b"</body></html>",
        b"<html><body><p>truncated in the mid",
    ],
)
def test_broken_pages_give_a_clear_error_or_a_safe_result(page):
    try:
        doc = extract_bytes(page, "page.html")
    except ImportFailed as exc:
        assert "web page" in str(exc)
    else:
        assert "<" not in doc.text


def test_mhtml_is_refused_clearly():
    with pytest.raises(ImportFailed, match="MHTML"):
        extract_bytes(b"MIME-Version: 1.0\r\n\r\n<html></html>", "page.mhtml")
