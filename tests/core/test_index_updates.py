"""Documents indexed again (edited, trashed, restored) replace what the index had of them, in
whichever segment that is: one hit each, never two, none once trashed."""

from __future__ import annotations

from reader.core.library import Library
from tests.conftest import write_articles


def _hits(library: Library, query: str) -> list[int]:
    return [hit.id for hit in library.search(query, limit=50).hits]


def test_edits_replace_the_indexed_document_in_any_segment(empty_library: Library, tmp_path):
    library = empty_library
    ids = []
    for path in write_articles(tmp_path / "in", 4):  # a sync each: a segment each
        ids.extend(doc_id for doc_id, _new in library.import_file(path))
        library.sync_index()
    assert len(library.index.open_searcher().reader().leaf_readers()) >= 2
    first, second, third, _fourth = ids

    library.edit_metadata(first, title="Zeppelin over the harbour")
    library.edit_metadata(third, title="Zeppelin and a quarry")
    library.sync_index()
    assert sorted(_hits(library, "zeppelin")) == sorted([first, third])
    assert _hits(library, '"Story 0"') == []  # the old title is gone with the old document
    assert _hits(library, '"number 1 ends"') == [second]

    library.edit_metadata(first, title="Zeppelin over the harbour, again")
    library.sync_index()  # indexed again: its last copy is in a segment of its own now
    assert sorted(_hits(library, "zeppelin")) == sorted([first, third])

    library.delete([third])
    library.sync_index()
    assert _hits(library, "zeppelin") == [first]
    library.restore([third])
    library.sync_index()
    assert sorted(_hits(library, "zeppelin")) == sorted([first, third])
    total = library.search("article", limit=50).total
    assert total == 4  # every article once
