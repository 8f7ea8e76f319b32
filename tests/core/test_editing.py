"""Changing the library: metadata corrections, the trash, re-extraction, list order and periods."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.errors import DocumentNotFound, ReaderError
from reader.core.library import Library
from tests.conftest import SEEDS, seed_id


def test_corrections_reach_list_timeline_and_search(library):
    doc_id = seed_id(library, "002")
    library.edit_metadata(
        doc_id,
        title="Xi congratulates the WPK",
        date=dt.date(2019, 3, 4),
        source="People's Daily",
        byline="Staff",
    )
    library.sync_index()
    doc = library.document(doc_id)
    assert (doc.title, doc.date, doc.source, doc.byline) == (
        "Xi congratulates the WPK",
        dt.date(2019, 3, 4),
        "People's Daily",
        "Staff",
    )
    assert {b.label: b.count for b in library.timeline()}["2019-03"] == 1
    assert "2020-10" not in {b.label for b in library.timeline() if b.count == 2}
    assert [h.id for h in library.search("date:2019").hits] == [doc_id]
    assert [h.id for h in library.search("source:people").hits] == [doc_id]
    assert library.document_ids(period="2019") == [doc_id]


def test_corrections_survive_reextraction_and_reimport(library):
    doc_id = seed_id(library, "003")
    library.edit_metadata(doc_id, source="NewsX", date=None)
    library.reextract(doc_id)
    doc = library.document(doc_id)
    assert doc.source == "NewsX" and doc.date is None
    assert doc.title.startswith("Intend to develop")  # not corrected: extraction's value
    report = library.import_paths([p for p in SEEDS if p.name.startswith("003")])
    assert report.duplicates and library.document(doc_id).source == "NewsX"
    assert library.store.user_edits(doc_id) == {"source": "NewsX", "pub_date": None}


def test_clearing_and_bad_values(library):
    doc_id = seed_id(library, "001")
    library.edit_metadata(doc_id, byline=None)
    assert library.document(doc_id).byline is None
    with pytest.raises(ReaderError, match="needs a title"):
        library.edit_metadata(doc_id, title="   ")
    with pytest.raises(DocumentNotFound):
        library.edit_metadata(9999, title="x")


def test_delete_and_undo(library):
    doc_id = seed_id(library, "004")
    library.delete([doc_id])
    library.sync_index()
    assert doc_id not in library.document_ids()
    assert library.search("treaty").total == 0
    assert sum(b.count for b in library.timeline() if b.month is None) == 4
    with pytest.raises(DocumentNotFound):
        library.document(doc_id)
    library.restore([doc_id])
    library.sync_index()
    assert library.search("treaty").total == 1
    assert library.index_problem() is None


def test_reimporting_a_deleted_file_brings_it_back(library):
    doc_id = seed_id(library, "004")
    library.delete([doc_id])
    report = library.import_paths([p for p in SEEDS if p.name.startswith("004")])
    assert report.imported == [doc_id]
    assert library.search("treaty").total == 1


def test_deleted_documents_stay_out_after_a_rebuild(data_dir):
    with Library.open(data_dir) as library:
        doc_id = seed_id(library, "004")
        library.delete([doc_id])
        library.rebuild_index()
        assert library.index_problem() is None
        assert library.search("treaty").total == 0


def test_order_and_periods(library):
    by_title = [s.title for s in library.summaries(library.document_ids("title"))]
    assert by_title == sorted(by_title, key=str.casefold)
    assert len(library.document_ids(period="2020-10")) == 2
    assert library.document_ids(period="undated") == []


def test_match_spans_point_at_the_words(library):
    doc = library.document(seed_id(library, "001"))
    spans = library.match_spans('"Friendship Year" -xinhua', doc.id)
    words = {doc.text[a:b].lower() for a, b in spans}
    assert words == {"friendship", "year", "years"}  # stemmed, like the search
    assert library.match_spans("kim NOT treaty", doc.id)
    assert all(doc.text[a:b] != "treaty" for a, b in library.match_spans("kim NOT treaty", doc.id))


def test_an_updated_document_is_found_once_by_a_long_lived_searcher(library):
    doc_id = seed_id(library, "002")
    assert library.search("congratulatory").total == 4  # opens the searcher
    library.edit_metadata(doc_id, title="Zanzibar letters")
    library.sync_index()
    assert [h.id for h in library.search("zanzibar").hits] == [doc_id]
    assert library.search("congratulatory").total == 4  # not 5: the old version is gone
