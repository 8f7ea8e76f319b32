"""The query language on the seed articles and on CJK text."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.errors import QueryError
from reader.core.library import Library
from tests.conftest import seed_id


def _found(library: Library, query: str, **kwargs) -> set[str]:
    result = library.search(query, **kwargs)
    names = {}
    for prefix in ("000", "001", "002", "003", "004"):
        names[seed_id(library, prefix)] = prefix
    return {names.get(hit.id, str(hit.id)) for hit in result.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("treaty", {"004"}),
        ('"Friendship Year"', {"001"}),
        ("source:xinhua", {"000", "004"}),
        ("date:2020", {"002", "003"}),
        ("date:2020-10", {"002", "003"}),
        ("date:2024-01-02", {"001"}),
        ("date:[2020 to 2021]", {"002", "003", "004"}),
        ("author:cao", {"001"}),
        ("title:treaty", {"004"}),
        ("treaty OR pyongyang", {"003", "004"}),
        ("congratulatory -xinhua", {"002", "003"}),
        ("congratulatory NOT date:2020", {"000", "004"}),
        ("tiktok", {"003"}),  # in a removed "ALSO READ" line: found, ranked low
        ("pyong*", {"003"}),
        ("pyongyan~", {"003"}),
        ("卢拉", {"000"}),
        ("卢", {"000"}),
        ("习近平出席", {"000"}),
        ('"diplomatic ties" AND kim', {"000", "001"}),
        ("(treaty OR pyongyang) date:2021", {"004"}),
    ],
)
def test_query_language_on_the_seeds(library, query, expected):
    assert _found(library, query) == expected


def test_stemming_finds_other_forms(library):
    assert _found(library, "congratulate") == _found(library, "congratulated")
    assert _found(library, "exchanges") >= _found(library, "exchange") - {"002"}
    assert "004" in _found(library, "signed")  # "signing" in the text


def test_results_carry_snippets_counts_and_years(library):
    result = library.search("friendship")
    assert result.total == len(result.hits) >= 3
    assert sum(result.by_year.values()) == result.total
    assert all("<b>" in hit.snippet.lower() for hit in result.hits)
    assert all(hit.score > 0 for hit in result.hits)
    assert "<b>Friendship</b>" in next(h.snippet for h in result.hits if "Year" in h.title)


def test_snippets_are_escaped_html(library):
    snippet = library.search("suggest").hits
    assert snippet == [] or "<Suggest" not in snippet[0].snippet


def test_date_order(library):
    dates = [hit.date for hit in library.search("kim", order="date").hits]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 5


def test_within_a_period(library):
    result = library.search("congratulatory", within="2020")
    assert {h.date.year for h in result.hits} == {2020}
    assert library.search("congratulatory", within="2021-07").total == 1


def test_did_you_mean(library):
    result = library.search("frendship")
    assert result.total == 0
    assert result.suggestion == "friendship"
    assert library.search("friendship").suggestion is None
    assert library.search('author:"Cao Desheng" frendship').suggestion == (
        'author:"Cao Desheng" friendship'
    )
    assert library.search("treaty signnig").suggestion == "treaty signing"


def test_limit_does_not_change_the_total(library):
    result = library.search("kim", limit=2)
    assert len(result.hits) == 2
    assert result.total == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', "closing quote"),
        ("(treaty OR kim", "not closed"),
        ("treaty)", "no opening"),
        ("date:[2020 to", "range"),
        ("date:yesterday", "date:2020"),
        ("colour:red", "Unknown field"),
        ("title:", "needs something"),
        ("*ship", "cannot start"),
        ("NOT treaty", "at least one word"),
        ("-treaty", "at least one word"),
        ("   ", "Type something"),
    ],
)
def test_malformed_queries_get_a_clear_message(library, query, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(")):
        library.search(query)


def test_cjk_documents(empty_library, tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text(
        "习近平出席巴西总统卢拉举行的欢迎宴会\n\n"
        "新华社巴西利亚11月20日电 国家主席习近平出席巴西总统卢拉举行的欢迎宴会，"
        "两国元首就双边关系和共同关心的国际问题深入交换意见。",
        encoding="gb18030",
    )
    report = empty_library.import_paths([path])
    assert report.ok
    for query in ("卢拉", "习近平", "欢迎宴会", "宴", "巴西总统卢拉"):
        assert empty_library.search(query).total == 1, query
    assert empty_library.search("卢拉总统").total == 0  # a phrase, not any two characters
    snippet = empty_library.search("卢拉").hits[0].snippet
    assert "<b>卢拉</b>" in snippet


def test_timeline_of_the_library_and_of_a_search(library):
    whole = {b.label: b.count for b in library.timeline()}
    assert whole == {
        "2024": 2,
        "2024-10": 1,
        "2024-01": 1,
        "2021": 1,
        "2021-07": 1,
        "2020": 2,
        "2020-10": 2,
    }
    hits = {b.label: b.count for b in library.timeline("congratulatory")}
    assert hits == {"2021": 1, "2021-07": 1, "2020": 2, "2020-10": 2, "2024": 1, "2024-10": 1}


def test_undated_documents_have_their_own_bucket(empty_library, tmp_path):
    (tmp_path / "note.txt").write_text("A note without a date\n\n" + "Some words about cats. " * 10)
    empty_library.import_paths([tmp_path / "note.txt"])
    assert [(b.label, b.count) for b in empty_library.timeline()] == [("undated", 1)]
    result = empty_library.search("cats")
    assert result.by_year == {"undated": 1}
    assert empty_library.search("cats", within="undated").total == 1
    assert [(b.label, b.count) for b in empty_library.timeline("cats")] == [("undated", 1)]


def test_fuzzy_words_match_similar_words_not_their_stems(empty_library, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Budget plans\n\nThe government said inflation rose in March, and officials said the "
        "figures on prices and wages would be published next week.\n"
    )
    (tmp_path / "b.txt").write_text(
        "Harvest report\n\nFarmers sold wheat and rice at the market, which was moved over the "
        "river this year, a local trader told reporters on Friday.\n"
    )
    empty_library.import_paths([tmp_path])
    for query in ("government~", "goverment~", "inflaton~", "govrnmnt~2"):
        assert [h.title for h in empty_library.search(query).hits] == ["Budget plans"], query


def test_names_in_bylines_are_known_words(library):
    result = library.search("Cao Desheng")
    assert result.total == 1
    assert result.suggestion is None


@pytest.mark.parametrize(
    "period",
    [
        "2019",
        "2020-02",
        "[2019 to 2020]",
        "[2019-11 to 2020-02]",
        "[2019-12 to 2021]",
        "[2019-12-15 to 2020-01-10]",
    ],
)
def test_date_ranges_find_exactly_the_documents_of_the_period(empty_library, tmp_path, period):
    days = [dt.date(2019, 10, 31), dt.date(2019, 11, 1), dt.date(2019, 12, 20)]
    days += [dt.date(2020, 1, 1), dt.date(2020, 1, 31), dt.date(2020, 2, 29), dt.date(2021, 12, 31)]
    for number, day in enumerate(days):
        (tmp_path / f"{number}.md").write_text(
            f"---\ntitle: Harbour note {number}\ndate: {day.isoformat()}\n---\n\n"
            "The ferry timetable changed again this week, the harbour office said.\n",
            encoding="utf-8",
        )
    assert empty_library.import_paths([tmp_path]).ok
    low, high = {
        "2019": ("2019-01-01", "2019-12-31"),
        "2020-02": ("2020-02-01", "2020-02-29"),
        "[2019 to 2020]": ("2019-01-01", "2020-12-31"),
        "[2019-11 to 2020-02]": ("2019-11-01", "2020-02-29"),
        "[2019-12 to 2021]": ("2019-12-01", "2021-12-31"),
        "[2019-12-15 to 2020-01-10]": ("2019-12-15", "2020-01-10"),
    }[period]
    expected = {f"Harbour note {n}" for n, d in enumerate(days) if low <= d.isoformat() <= high}
    result = empty_library.search(f"ferry date:{period}", limit=50)
    assert {hit.title for hit in result.hits} == expected
    assert result.total == len(expected)
