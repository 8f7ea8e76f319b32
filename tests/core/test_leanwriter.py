"""The lean writer writes the index Whoosh's own writer would: same terms, postings, lengths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import NO_MERGE

from reader.core.analysis import CJK_RUN
from reader.core.index import make_schema
from reader.core.leanwriter import LARGE, MERGE_AT, LeanWriter, encode_positions, latin_positions
from reader.core.search import _MarkFormatter

TEXTS = [
    "Running runners ran; the runner's run was RUN again, and again 2024 times.",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ text, café, naïve façade, İstanbul and Straße.",
    "北京市今天发布了新的交通规则 with English words mixed in 和 更多 中文。",
    "Words_with_underscores and numbers 3.14 and 1,000,000 and x2 and 2x.",
    "",
    "Title only",
    "한국어 텍스트와 日本語のテキスト mixed.",
    "A longer paragraph. " * 40 + "end",
]


def _docs(count: int) -> list[dict[str, Any]]:
    docs = []
    for number in range(count):
        text = TEXTS[number % len(TEXTS)]
        date = dt.datetime(2000 + number % 20, 1 + number % 12, 1 + number % 28)
        docs.append(
            {
                "id": str(number + 1),
                "title": f"{TEXTS[(number + 3) % len(TEXTS)][:40]} {number}",
                "body": f"{text} unique{number} shared words here",
                "removed": "Share this article" if number % 3 == 0 else "",
                "notes": "a note about 北京" if number % 5 == 0 else "",
                "source": ["Reuters", "新华社", "The Guardian"][number % 3],
                "byline": "Jane Doe" if number % 2 else "",
                "tags": "news,world" if number % 4 == 0 else "",
                "date": None if number % 7 == 0 else date,
                "year": "undated" if number % 7 == 0 else f"{date.year:04d}",
                "month": "undated" if number % 7 == 0 else f"{date.year:04d}-{date.month:02d}",
            }
        )
    return docs


def _snapshot(path: Path) -> dict[str, Any]:
    """Everything a search can see of an index, decoded."""
    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        by_id = {fields["id"]: docnum for docnum, fields in reader.iter_docs()}
        ids = {docnum: doc_id for doc_id, docnum in by_id.items()}
        postings: dict[tuple[str, bytes], list[tuple[str, float, bytes]]] = {}
        spelling: dict[tuple[str, bytes], float] = {}
        for fieldname, term in reader.all_terms():
            if fieldname.startswith("spell_"):
                spelling[(fieldname, term)] = reader.frequency(fieldname, term)
                continue
            matcher = reader.postings(fieldname, term)
            postings[(fieldname, term)] = [
                (ids[docnum], weight, value)
                for docnum, weight, value in (
                    (m.id(), m.weight(), m.value()) for m in _each(matcher)
                )
            ]
        lengths = {
            (doc_id, field): reader.doc_field_length(docnum, field)
            for doc_id, docnum in by_id.items()
            for field in ("title", "body", "removed", "notes", "source", "byline", "tags")
        }
        stored = {doc_id: reader.stored_fields(docnum) for doc_id, docnum in by_id.items()}
        columns = {name: _column(reader, name, ids) for name in ("date", "year", "month")}
        totals = {
            field: (reader.field_length(field), reader.max_field_length(field))
            for field in ("title", "body")
        }
    return {
        "postings": postings,
        "spelling": spelling,
        "lengths": lengths,
        "stored": stored,
        "columns": columns,
        "totals": totals,
    }


def _column(reader: Any, name: str, ids: dict[int, str]) -> dict[str, Any]:
    column = reader.column_reader(name, translate=False)
    return {doc_id: column[docnum] for docnum, doc_id in ids.items()}


def _each(matcher: Any) -> Any:
    while matcher.is_active():
        yield matcher
        matcher.next()


def _build(path: Path, docs: list[dict[str, Any]], lean: bool, batch: int) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), make_schema())
    for start in range(0, len(docs), batch):
        writer = LeanWriter(ix, compound=False) if lean else ix.writer(compound=False)
        for fields in docs[start : start + batch]:
            writer.add_document(**fields)
        writer.commit(merge=False) if lean else writer.commit(mergetype=NO_MERGE)


@pytest.mark.parametrize("batch", [7, 300])
def test_same_index_as_whoosh(tmp_path: Path, batch: int) -> None:
    docs = _docs(300)
    _build(tmp_path / "whoosh", docs, lean=False, batch=batch)
    _build(tmp_path / "lean", docs, lean=True, batch=batch)
    expected, actual = _snapshot(tmp_path / "whoosh"), _snapshot(tmp_path / "lean")
    assert actual["postings"] == expected["postings"]
    assert actual["lengths"] == expected["lengths"]
    assert actual["stored"] == expected["stored"]
    assert actual["columns"] == expected["columns"]
    assert actual["totals"] == expected["totals"]
    # Whoosh writes a spelling posting per document, the lean writer one per word and segment
    # weighted by its documents: the same words with the same document counts.
    assert actual["spelling"] == expected["spelling"]


def test_positions_match_the_analyzer() -> None:
    from reader.core.analysis import text_analyzer

    text = "The runner's runs: RUNNING 42 times, Ｆｕｌｌ width, café."
    positions, count, _words, _lowered = latin_positions(text, stemmed=True)
    expected: dict[bytes, list[int]] = {}
    for token in text_analyzer()(text, positions=True, mode="index"):
        expected.setdefault(token.text.encode("utf-8"), []).append(token.pos)
    assert positions == expected
    assert count == sum(len(p) for p in expected.values())
    assert encode_positions([3]) == encode_positions([3])
    assert encode_positions([1, 4, 9]) != encode_positions([1, 4])


def test_small_segments_are_merged_by_indexing_again(tmp_path: Path) -> None:
    docs = {d["id"]: d for d in _docs(40)}
    ix = whoosh_index.create_in(str(tmp_path), make_schema())

    def reload(ids: list[str]) -> list[dict[str, Any]]:
        return [docs[i] for i in ids if i in docs]

    for number in range(1, MERGE_AT + 2):
        writer = LeanWriter(ix, reload=reload, compound=False)
        writer.add_document(**docs[str(number)])
        if number == 3:
            writer.delete_by_term("id", "2")
        writer.commit()
    segments = ix._segments()
    # 8 one-document segments merged into one (the deleted document not brought back); the 9th
    # commit's document is in that merged segment too.
    assert len(segments) < MERGE_AT
    assert MERGE_AT < LARGE
    with ix.searcher() as searcher:
        found = sorted(int(f["id"]) for f in searcher.all_stored_fields())
        assert found == [n for n in range(1, MERGE_AT + 2) if n != 2]
        assert searcher.doc_count() == MERGE_AT


def test_lean_snippets_highlight_like_the_analyzer() -> None:
    from whoosh.highlight import ContextFragmenter, highlight

    from reader.core.analysis import text_analyzer
    from reader.core.search import _highlight
    from reader.paths import seeds_dir

    texts = [p.read_text("utf-8") for p in sorted(seeds_dir().glob("*.txt"))]
    assert any(CJK_RUN.search(t) for t in texts)  # Chinese articles too
    texts.append(" ".join(f"word{i} filler text, more filler." for i in range(400)) + " target")
    fragmenter = ContextFragmenter(maxchars=220, surround=60)
    checked = 0
    for text in texts:
        words = sorted({t.text for t in text_analyzer()(text)})
        for probe in [*words[:: max(1, len(words) // 25)], "target", "filler"]:
            expected = highlight(text, {probe}, text_analyzer(), fragmenter, _MarkFormatter(), 2)
            assert _highlight(text, frozenset({probe}), fragmenter) == expected
            checked += bool(expected)
    assert checked > 50


def test_ascii_words_are_the_regex_words() -> None:
    """ASCII text is cut with str.translate and split: the same words the regex finds."""
    import random

    from reader.core.leanwriter import _ASCII_NOT_ALNUM, _LATIN_WORD

    every = "".join(chr(c) for c in range(128))
    samples = [every, every[::-1], "snake_case x1y2 3.14 e-mail\x1c\x1d\x1e\x1f\x0b\x0c end_"]
    rng = random.Random(7)
    samples += ["".join(rng.choice(every) for _ in range(300)) for _ in range(200)]
    for text in samples:
        assert text.translate(_ASCII_NOT_ALNUM).split() == _LATIN_WORD.findall(text)


def test_positions_are_encoded_as_whoosh_encodes_them() -> None:
    """encode_positions puts short lists' bytes together from tables: the bytes of Whoosh's
    Positions format (the count, then the pickled deltas), for every length and size of int."""
    import itertools
    import random
    from pickle import dumps

    from whoosh.system import pack_uint

    rng = random.Random(7)
    cases = [[0], [5], [255], [256], [65535], [65536], [2**31], [0, 1], [3, 300, 70000]]
    for count in (*range(1, 14), 999, 1000, 1001, 1500):
        for top in (200, 60000, 200000):
            cases.append(sorted(rng.sample(range(top), min(count, top))))
    for positions in cases:
        deltas = [positions[0], *(b - a for a, b in itertools.pairwise(positions))]
        assert encode_positions(positions) == pack_uint(len(deltas)) + dumps(deltas, 2), positions
