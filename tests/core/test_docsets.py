"""Fast match sets and date order give exactly what Whoosh's own search gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from whoosh import query, sorting

from reader.core import docsets, leanwriter, search
from reader.core.library import Library
from tests.conftest import write_articles

QUERIES = [
    "article",
    "number",
    "article number",
    '"article number"',
    '"number article"',
    "article -number",
    "article OR lula",
    "(article OR lula) -brazil",
    "title:article",
    "source:xinhua",
    "date:[2020 to 2024]",
    "article date:[2001 to 2030]",
    "artic*",
    "artcle~",
    "卢拉",
    "巴西总统",
    '"president lula"',
    '"article number 12 ends here"',  # a long phrase: the numbers tell documents apart
    '"number 12 article"',  # the words, not in that order
    '"ends here ends"',  # every word in the document, the phrase nowhere
    "nothingmatchesthis",
]


@pytest.fixture(params=["blocks", "sidecar"])
def segmented(request, data_dir, tmp_path, monkeypatch) -> Iterator[Library]:
    """The seeds plus articles over several commits, one of them changed (a deletion); read
    through posting blocks, or through doc-ids sidecars (every term given one)."""
    if request.param == "sidecar":
        monkeypatch.setattr(leanwriter, "DOC_IDS_FROM", 1)
    with Library.open(data_dir, seed=True) as library:
        yield _fill(library, tmp_path)
        if request.param == "sidecar":
            leaves = library._current_searcher().reader().leaf_readers()
            assert any(docsets._doc_ids(r, "body", b"articl") is not None for r, _ in leaves)


def _fill(library: Library, tmp_path) -> Library:
    for batch in range(3):
        write_articles(tmp_path / f"batch{batch}", 7, start=batch * 10)
        library.import_paths([tmp_path / f"batch{batch}"])
    doc_id = library.document_ids()[0]
    library.edit_metadata(doc_id, title="An article renamed")
    library.sync_index()
    return library


def test_matching_docs_equal_whoosh(segmented: Library) -> None:
    searcher = segmented._current_searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    assert searcher.reader().has_deletions()
    for text in QUERIES:
        q = search.parse(text, searcher.schema, searcher.reader())
        expected = set(searcher.docs_for_query(q))
        assert docsets.matching_docs(searcher, q) == expected, text
    assert segmented.search('"article number"').total == 21


def test_newest_first_equals_whoosh_sorting(segmented: Library) -> None:
    searcher = segmented._current_searcher()
    for text in ("article", "lula OR article", "date:[2000 to 2030]"):
        q = search.parse(text, searcher.schema, searcher.reader())
        whoosh = searcher.search(q, limit=10, sortedby=sorting.FieldFacet("date", reverse=True))
        ours = docsets.newest(searcher, docsets.matching(searcher, q), 10)
        assert [d for d, _ in ours] == [hit.docnum for hit in whoosh], text
        assert [s for _, s in ours] == [hit.score for hit in whoosh], text


def test_newest_first_with_a_segment_of_undated_documents(segmented: Library, tmp_path) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text("No date here\n\nJust an article about article numbers.\n", "utf-8")
    segmented.import_paths([undated])
    searcher = segmented._current_searcher()
    q = search.parse("article", searcher.schema, searcher.reader())
    whoosh = searcher.search(q, limit=10, sortedby=sorting.FieldFacet("date", reverse=True))
    ours = docsets.newest(searcher, docsets.matching(searcher, q), 10)
    assert [d for d, _ in ours] == [hit.docnum for hit in whoosh]
    assert segmented.search("article", order="date").total == len(whoosh)


def test_a_damaged_sidecar_is_read_through_the_blocks(data_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(leanwriter, "DOC_IDS_FROM", 1)
    with Library.open(data_dir, seed=True) as library:
        _fill(library, tmp_path)
        sidecars = sorted(library.index.path.glob(f"*{leanwriter.DOC_IDS_EXT}"))
        assert sidecars
        for number, path in enumerate(sidecars):
            data = path.read_bytes()
            path.write_bytes(data[: number % 3 * 7])  # empty, cut in the header, in the arrays
        monkeypatch.setattr(docsets, "_SIDECARS", type(docsets._SIDECARS)())
        searcher = library._current_searcher()
        for text in QUERIES:
            q = search.parse(text, searcher.schema, searcher.reader())
            assert docsets.matching_docs(searcher, q) == set(searcher.docs_for_query(q)), text
        assert library.search('"article number"').total == 21


def test_scores_and_ranking_equal_whoosh(segmented: Library) -> None:
    """Every match's score, and the top of the ranking (ties in document order), are Whoosh's."""
    searcher = segmented._current_searcher()
    checked = 0
    for text in QUERIES:
        q = search.parse(text, searcher.schema, searcher.reader())
        ours = docsets.scores(searcher, q)
        if ours is None:  # a shape left to Whoosh
            continue
        checked += 1
        whoosh = searcher.search(q, limit=None, optimize=False)
        expected = {hit.docnum: hit.score for hit in whoosh}
        # Whoosh adds 1.0 for each NOT of an AND (its inverse matcher's score) to every hit;
        # Reader leaves that out, which changes no order.
        extra = float(sum(isinstance(leaf, query.Not) for leaf in _walk(q)))
        ours = {doc: score + extra for doc, score in ours.items()}
        top = docsets.best(docsets.scored(searcher, q), docsets.matching(searcher, q), 5)
        assert [doc for doc, _ in top] == [hit.docnum for hit in whoosh[:5]], text
        if any(isinstance(leaf, query.Phrase) and len(leaf.words) > 2 for leaf in _walk(q)):
            # Whoosh adds the words' scores of a longer phrase in a tree: the last bit differs.
            assert ours == pytest.approx(expected, rel=1e-14), text
        else:
            assert ours == expected, text
            assert [score + extra for _, score in top] == [hit.score for hit in whoosh[:5]], text
    assert checked >= 15


def _walk(q: query.Query) -> Iterator[query.Query]:
    yield q
    for child in q.children():
        yield from _walk(child)
