"""Markdown notes and articles: front matter, headings and inline syntax."""

from __future__ import annotations

import datetime as dt
import socket
import struct
import zlib

import pytest

from reader.core.errors import ImportFailed
from reader.core.importers import extract_bytes, markdown

ARTICLE = """---
title: "Harbour bridge reopens after repairs"
date: 2023-05-14T09:30:00+02:00
author: Jane Doe
source: The Harbour Post
---

# Harbour bridge reopens after repairs

The **old bridge** reopened on *Sunday* after [two years](https://example.org/x) of work,
with ![a photo](bridge.jpg) new lanes for bicycles.

## What changed

- Wider pavements
- A `new` cycle lane

> "It was worth the wait," said the mayor.

```
code stays as it is
```
"""


def test_front_matter_and_structure():
    doc = extract_bytes(ARTICLE.encode(), "bridge.md")
    assert doc.format == "markdown"
    assert doc.title == "Harbour bridge reopens after repairs"
    assert doc.date == dt.date(2023, 5, 14)
    assert doc.byline == "Jane Doe"
    assert doc.source == "The Harbour Post"
    assert doc.paragraphs[0] == (
        "The old bridge reopened on Sunday after two years of work, with new lanes for bicycles."
    )
    assert "What changed" in doc.paragraphs
    assert "Wider pavements" in doc.paragraphs and "A new cycle lane" in doc.paragraphs
    assert '"It was worth the wait," said the mayor.' in doc.paragraphs
    assert "code stays as it is" in doc.paragraphs
    assert doc.title not in doc.paragraphs


def test_title_from_the_first_heading_without_front_matter():
    text = "Notes\n=====\n\nSome *important* thoughts on Markdown import, written 2022-03-04.\n"
    doc = extract_bytes(text.encode(), "notes.md")
    assert doc.title == "Notes"
    assert doc.paragraphs == ("Some important thoughts on Markdown import, written 2022-03-04.",)


def test_markdown_in_the_library_is_searchable(empty_library, tmp_path):
    path = tmp_path / "bridge.md"
    path.write_text(ARTICLE, encoding="utf-8")
    assert empty_library.import_paths([path]).ok
    assert empty_library.search("author:doe bicycles").total == 1
    assert empty_library.search("date:2023-05").total == 1


def test_closing_list_of_a_note_is_kept():
    text = (
        "# Reading list\n\n"
        "These are the books I want to read this winter, chosen after a long talk with friends "
        "about what we loved last year and what we never finished.\n\n"
        "- The Left Hand of Darkness\n- Middlemarch\n"
    )
    doc = extract_bytes(text.encode(), "list.md")
    assert doc.paragraphs[-2:] == ("The Left Hand of Darkness", "Middlemarch")


NOTE = """---
title: Field notes on the harbour bridge
date: 2023-05-14
authors:
  - Jane Doe
  - John Roe
site: Harbour Notes
tags: [bridges, city]
---

# Field notes on the harbour bridge

The **old bridge** reopened on *Sunday* after [two years](https://example.org/x) of work:
`new` lanes, ~~more~~ fewer cars, and [the council's report][report] is out. Questions go to
<desk@example.org>.

## What to check

- Pavements
  - Width
    - Kerbs
- Lights

3. Walk across
4. Count the cars
5. Write it up

> The mayor was pleased.
>
> > "Worth the wait."

```python
def count(cars):

    return len(cars)
}
```

| Vehicle | Count |
|---------|------:|
| Cars    | **12** |
| Bikes   | 3 |

[report]: https://example.org/report
"""


def marked(doc, i):
    """The marks of paragraph ``i`` as (marked text, kind, href)."""
    paragraph = doc.paragraphs[i]
    return [(paragraph[m.start : m.end], m.kind, m.href) for m in doc.blocks[i].marks]


def shape(doc):
    """(text, kind, level, ordinal) of every paragraph."""
    return [
        (p, b.kind, b.level, b.ordinal) for p, b in zip(doc.paragraphs, doc.blocks, strict=True)
    ]


def test_a_note_keeps_its_structure_and_metadata():
    doc = extract_bytes(NOTE.encode(), "bridge-notes.md")
    assert doc.title == "Field notes on the harbour bridge"
    assert doc.date == dt.date(2023, 5, 14)
    assert doc.byline == "Jane Doe, John Roe"
    assert doc.source == "Harbour Notes"
    assert shape(doc) == [
        (
            "The old bridge reopened on Sunday after two years of work: new lanes, more fewer "
            "cars, and the council's report is out. Questions go to desk@example.org.",
            "p",
            0,
            None,
        ),
        ("What to check", "h2", 0, None),
        ("Pavements", "li", 0, None),
        ("Width", "li", 1, None),
        ("Kerbs", "li", 2, None),
        ("Lights", "li", 0, None),
        ("Walk across", "li", 0, 3),
        ("Count the cars", "li", 0, 4),
        ("Write it up", "li", 0, 5),
        ("The mayor was pleased.", "quote", 0, None),
        ('"Worth the wait."', "quote", 1, None),
        # One paragraph per line, indentation kept; the blank line is left out.
        ("def count(cars):", "code", 0, None),
        ("    return len(cars)", "code", 0, None),
        ("}", "code", 0, None),
        ("Vehicle\tCount", "row", 0, None),
        ("Cars\t12", "row", 0, None),
        ("Bikes\t3", "row", 0, None),
    ]
    assert marked(doc, 0) == [
        ("old bridge", "strong", None),
        ("Sunday", "em", None),
        ("two years", "link", "https://example.org/x"),
        ("new", "code", None),
        ("more", "del", None),
        ("the council's report", "link", "https://example.org/report"),
        ("desk@example.org", "link", "mailto:desk@example.org"),
    ]
    assert marked(doc, 15) == [("12", "strong", None)]


def test_a_title_heading_is_not_repeated_but_other_headings_stay():
    text = "# Reading notes\n\nA first paragraph about books.\n\n## Winter\n\n### Novels\n"
    doc = extract_bytes(text.encode(), "notes.md")
    assert doc.title == "Reading notes"
    assert shape(doc) == [
        ("A first paragraph about books.", "p", 0, None),
        ("Winter", "h2", 0, None),
        ("Novels", "h3", 0, None),
    ]


def test_short_list_items_and_code_lines_are_not_taken_for_navigation():
    text = (
        "# Groceries\n\nWhat we need for the weekend, before the shops close.\n\n"
        "- Milk\n- Eggs\n- Bread\n\n```\nif x:\n    y()\n}\n```\n\n"
        "| 1 | 2 |\n|---|---|\n| 3 | 4 |\n"
    )
    doc = extract_bytes(text.encode(), "groceries.md")
    assert doc.paragraphs[1:] == ("Milk", "Eggs", "Bread", "if x:", "    y()", "}", "1\t2", "3\t4")


def test_only_safe_links_keep_their_target():
    text = (
        "# Links\n\n[web](https://example.org) [mail](mailto:a@example.org) [page](notes/b.md) "
        "[script](javascript:alert(1)) [data](data:text/html,hi) [tab](java&#9;script:alert(1)) "
        "[file](file:///etc/passwd) <a href='https://example.org/?a=1&amp;b=2'>raw</a> "
        '<a href="javascript:alert(1)">rawbad</a>\n'
    )
    doc = extract_bytes(text.encode(), "links.md")
    assert doc.paragraphs[0] == "web mail page script data tab file raw rawbad"
    assert marked(doc, 0) == [
        ("web", "link", "https://example.org"),
        ("mail", "link", "mailto:a@example.org"),
        ("page", "link", "notes/b.md"),
        ("raw", "link", "https://example.org/?a=1&b=2"),
    ]


def test_raw_html_is_never_shown_only_its_text():
    text = (
        "# Page\n\nSome <b>bold</b> words and a <script>alert('inline')</script>script.\n\n"
        "<div>\n<p>Text in a block</p>\n<script>\nalert('block')\n</script>\n"
        "<style>p { color: red }</style>\n</div>\n\nE = mc<sup>2</sup>.\n"
    )
    doc = extract_bytes(text.encode(), "page.md")
    assert "<" not in doc.text and "alert" not in doc.text and "color" not in doc.text
    assert doc.paragraphs == ("Some bold words and a script.", "Text in a block", "E = mc2.")
    assert marked(doc, 0) == [("bold", "strong", None)]
    assert marked(doc, 2) == [("2", "sup", None)]


def test_front_matter_lists_and_toml():
    yaml_note = "---\ntitle: 'A ''quoted'' title' # note\nauthors: [Ann Lee, \"Bo\"]\n---\nText.\n"
    doc = extract_bytes(yaml_note.encode(), "a.md")
    assert (doc.title, doc.byline) == ("A 'quoted' title", "Ann Lee, Bo")
    toml_note = (
        '+++\ntitle = "From Hugo"\ndate = 2021-02-03T10:00:00Z\nauthors = ["Cy Dee"]\n'
        'publisher = "The Site"\n+++\n\nSome text of the post.\n'
    )
    doc = extract_bytes(toml_note.encode(), "b.md")
    assert (doc.title, doc.date, doc.byline, doc.source) == (
        "From Hugo",
        dt.date(2021, 2, 3),
        "Cy Dee",
        "The Site",
    )
    assert doc.paragraphs == ("Some text of the post.",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("  \n\n", "the file is empty"),
        ("---\ntitle: Only metadata\n---\n", "the file has no text"),
        ("<!-- a comment -->\n<script>alert(1)</script>\n", "the file has no text"),
        ("![a photo](photo.png)\n", "the file has no text"),
    ],
)
def test_a_file_without_text_is_refused_clearly(text, reason):
    with pytest.raises(ImportFailed, match=reason):
        extract_bytes(text.encode(), "empty.md")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_images_beside_the_note_come_along_and_remote_ones_are_dropped(
    empty_library, tmp_path, monkeypatch
):
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "bridge.png").write_bytes(_png())
    path = tmp_path / "bridge.md"
    path.write_text(
        "# The bridge\n\nIt reopened on Sunday after two years of repairs.\n\n"
        "![The bridge at dusk](pics/bridge.png)\n\n"
        "![A remote photo](https://example.org/photo.png)\n\nThe end of the note.\n",
        encoding="utf-8",
    )
    report = empty_library.import_paths([path])
    assert report.ok
    doc = empty_library.document(report.imported[0])
    assert list(doc.images) == ["pics/bridge.png"]
    assert empty_library.image(doc.images["pics/bridge.png"]) == _png()
    assert [b.src for b in doc.blocks if b.kind == "image"] == ["pics/bridge.png"]
    assert doc.paragraphs == [
        "It reopened on Sunday after two years of repairs.",
        "",
        "The end of the note.",
    ]
    assert connections == []


@pytest.mark.parametrize(
    "text",
    [
        ">" * 10_000 + " deep",
        "[" * 50_000,
        "*" * 100_000 + "a",
        "*a" * 20_000,
        "![" * 20_000,
        "- " * 5_000 + "x",
        "".join("  " * i + "- item\n" for i in range(1_000)),
        "a\n" * 50_000,
    ],
    ids=["quotes", "brackets", "stars", "emphasis", "images", "lists", "indented", "lines"],
)
def test_hostile_markdown_is_read_or_refused_without_crashing(text):
    try:
        doc = extract_bytes(text.encode(), "hostile.md")
    except ImportFailed as exc:
        assert str(exc)
    else:
        assert all("\n" not in p for p in doc.paragraphs)


def test_markdown_that_takes_too_long_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(markdown, "_SECONDS_BASE", 0.0)
    monkeypatch.setattr(markdown, "_SECONDS_PER_MB", 0.0)
    with pytest.raises(ImportFailed, match="took too long"):
        extract_bytes(NOTE.encode(), "slow.md")
