"""Markdown notes and articles: front matter, headings and inline syntax."""

from __future__ import annotations

import datetime as dt

from reader.core.importers import extract_bytes

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
