"""Metadata and body extraction from plain-text articles."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.core.dates import find_dates, parse_structured_date
from reader.core.extract import extract_article, paragraphs_from_text
from reader.core.importers import extract_bytes
from tests.conftest import SEEDS

TODAY = dt.date(2026, 11, 23)


def _seed(prefix: str):
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    return extract_bytes(path.read_bytes(), path.name)


@pytest.mark.parametrize(
    ("prefix", "titles", "dates", "source", "byline"),
    [
        (
            "000",
            ["Xi, Kim exchange congratulatory messages over 75th anniversary of diplomatic ties"],
            ["2024-10-06"],
            "Xinhua",
            None,
        ),
        (
            "001",
            ["Xi, Kim announce 2024 as China-DPRK Friendship Year"],
            ["2024-01-02"],
            "China Daily",
            "Cao Desheng",
        ),
        (
            "002",
            [
                "Xi Jinping Sends Congratulatory Messages to Kim Jong Un on the 75th Anniversary "
                "of the Workers' Party of Korea"
            ],
            ["2020-10-10"],
            None,  # unknown is fine
            None,
        ),
        (
            "003",
            ["Intend to develop, consolidate China-Korea ties: Xi Jinping to Kim Jong Un"],
            ["2020-10-11"],
            "NewsX",
            None,
        ),
        (
            "004",
            [
                "Xi Jinping exchanged congratulatory messages with Kim Jong Un, the Supreme Leader "
                "of North Korea",
                'On the 60th anniversary of the signing of the "China-DPRK Treaty of Friendship, '
                'Cooperation and Mutual Assistance"',
            ],
            ["2021-07-11", "2021-07-19"],
            "Xinhua News Agency",
            None,
        ),
    ],
)
def test_seed_metadata(prefix, titles, dates, source, byline):
    doc = _seed(prefix)
    assert doc.title in titles
    assert doc.date is not None and doc.date.isoformat() in dates
    if source is not None:
        assert doc.source is not None and doc.source.casefold() == source.casefold()
    if byline is not None:
        assert doc.byline == byline
    assert doc.language == "en"


def test_seed_bodies_are_clean():
    bodies = {p.name[:3]: _seed(p.name[:3]) for p in SEEDS}
    junk = [
        "News > Latest News >",
        "Share:",
        "8013945",
        "(Web editor: Tian Yi, Liang Jun)",
        "<Suggest to a friend>",
        "Home > China News",
        "ALSO READ: Sadyr Japarov appointed as new Kyrgyzstan prime minister",
        "kim jon un and xi jinping 1 375542 W91gb8Hj World",
        "习近平出席巴西总统卢拉举行的欢迎宴会",
    ]
    for doc in bodies.values():
        for line in junk:
            assert line not in doc.paragraphs
        assert doc.title not in doc.paragraphs  # the title is shown once, as the title
    assert bodies["000"].paragraphs[0].startswith("BEIJING, Oct. 6 (Xinhua)")
    assert bodies["001"].paragraphs[0].startswith("President Xi Jinping and the Democratic")
    assert bodies["003"].paragraphs[0].startswith("China President Xi Jinping has congratulated")
    assert bodies["001"].paragraphs[-1].startswith("Kim underlined the importance")
    # Removed lines stay searchable, not lost.
    assert "习近平出席巴西总统卢拉举行的欢迎宴会" in bodies["000"].removed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted 2024-10-06 by staff", (2024, 10, 6)),
        ("08:43, January 02, 2024", (2024, 1, 2)),
        ("11 October, 2020 | newsx bureau", (2020, 10, 11)),
        ("19 Jul 21 - story 5", (2021, 7, 19)),
        ("On October 10, 2020, the leaders", (2020, 10, 10)),
        ("BEIJING, Oct. 6 (Xinhua) --", (None, 10, 6)),
        ("Beijing, July 11th.", (None, 7, 11)),
        ("发布时间：2019年9月9日 18:13", (2019, 9, 9)),
        ("Published 13/10/2024", (2024, 10, 13)),
        ("Stand 06.10.2024, 10:00 Uhr", (2024, 10, 6)),
        ("FEB 26 1987", (1987, 2, 26)),
        ("Updated 5-Oct-24, 10:30", (2024, 10, 5)),
        ("SEPT. 3, 2024 | Staff", (2024, 9, 3)),
        ("the 3rd of June 2024", (2024, 6, 3)),
        ("Updated 2024/10/06", (2024, 10, 6)),
        ("记者 10月6日电", (None, 10, 6)),
        ("Posted: 9.11.2023", (2023, 11, 9)),
    ],
)
def test_date_forms(text, expected):
    mentions = find_dates(text, today=TODAY)
    assert [(m.year, m.month, m.day) for m in mentions][:1] == [expected]


@pytest.mark.parametrize(
    "text",
    ["You may 3 times try", "In March 2020 the", "06/10/2024", "Feb 30, 2024", "2024-13-01"],
)
def test_no_date_where_there_is_none_or_it_is_ambiguous(text):
    assert find_dates(text, today=TODAY) == []


def test_year_from_context_and_honest_unknown():
    with_context = "Leaders meet\n\nSource: Wire | 2024-10-06\n\nBEIJING, Oct. 6 (Wire) -- " + (
        "The two leaders met on Sunday and talked about trade, travel and the weather. " * 3
    )
    assert extract_article(with_context, today=TODAY).date == dt.date(2024, 10, 6)
    no_year = "Leaders meet\n\nNEW YORK, Feb 26 - " + (
        "The company said it expected higher sales in fiscal 1986 than a year earlier. " * 3
    )
    assert extract_article(no_year, today=TODAY).date is None


def test_future_dates_are_not_publication_dates():
    text = "Plans for 2030\n\nMarch 3, 2031\n\n" + "The council approved a plan for the city. " * 5
    assert extract_article(text, today=TODAY).date is None


def test_hard_wrapped_text_is_rejoined_into_paragraphs():
    text = (
        "SOME COMPANY SETS DEAL\n\n"
        "NEW YORK, Feb 26 - Some Company Inc said it has completed the\n"
        "sale of 200,000 shares of its common stock to a group of\n"
        "investors for 50,000 dlrs.\n"
        "    The company said the warrants are exercisable for five\n"
        "years at a purchase price of .125 dlrs per share and it will\n"
        "use the money for general purposes.\n"
        "    It makes labels, forms, tags and ticket printers and\n"
        "terminals for shops, and it sells them in most states.\n"
        "    Its shares rose 10 cts to 4.25 dlrs in late trading on the\n"
        "exchange today.\n"
    )
    paragraphs = paragraphs_from_text(text)
    assert paragraphs == [
        "SOME COMPANY SETS DEAL",
        "NEW YORK, Feb 26 - Some Company Inc said it has completed the sale of 200,000 shares "
        "of its common stock to a group of investors for 50,000 dlrs.",
        "The company said the warrants are exercisable for five years at a purchase price of "
        ".125 dlrs per share and it will use the money for general purposes.",
        "It makes labels, forms, tags and ticket printers and terminals for shops, and it sells "
        "them in most states.",
        "Its shares rose 10 cts to 4.25 dlrs in late trading on the exchange today.",
    ]
    doc = extract_article(text, today=TODAY)
    assert doc.title == "SOME COMPANY SETS DEAL"
    assert doc.date is None


def test_chinese_article():
    text = (
        "首页 > 新闻 > 国际\n\n"
        "两国领导人互致贺电庆祝建交七十五周年\n\n"
        "2024年10月06日 08:30 来源：新华社\n\n"
        "新华社北京10月6日电 国家主席今天同对方领导人互致贺电，庆祝两国建交七十五周年。"
        "双方表示，愿同对方一道，以建交七十五周年为契机，加强战略沟通，深化友好交流合作。\n\n"
        "责任编辑：张三\n"
    )
    doc = extract_article(text, today=TODAY)
    assert doc.title == "两国领导人互致贺电庆祝建交七十五周年"
    assert doc.date == dt.date(2024, 10, 6)
    assert doc.source == "新华社"
    assert doc.language == "zh"
    assert doc.paragraphs[0].startswith("新华社北京10月6日电")
    assert all("责任编辑" not in p for p in doc.paragraphs)


def test_text_without_any_header_gets_a_title_from_its_first_sentence():
    text = "The quick brown fox jumps over the lazy dog. " * 10
    doc = extract_article(text, fallback_title="fox", today=TODAY)
    assert doc.title == "The quick brown fox jumps over the lazy dog."
    assert doc.paragraphs


def test_structured_dates():
    assert parse_structured_date("2024-10-06T23:30:00-05:00") == dt.date(2024, 10, 6)
    assert parse_structured_date("Sat, 05 Oct 2024 10:00:00 GMT") == dt.date(2024, 10, 5)
    assert parse_structured_date("October 5, 2024") == dt.date(2024, 10, 5)
    assert parse_structured_date("not a date") is None


PROSE = (
    "Officials said on Tuesday that the works would take several months and that traffic would "
    "be diverted through the town centre while the bridge is closed to all vehicles."
)


@pytest.mark.parametrize(
    ("header", "field", "expected"),
    [
        (
            "News > Business >\n\nOrchestra hit by flooding in Cairo\n\n2023-08-29",
            "title",
            "Orchestra hit by flooding in Cairo",
        ),
        ("Central bank hit by OPEC in Brasilia, officials say\n\n2023-08-29", "byline", None),
        (
            "Harbour works begin\n\nSeptember 24, 2016 | South China Morning Post",
            "source",
            "South China Morning Post",
        ),
        ("Harbour works begin\n\n27 October, 2020 | France 24", "source", "France 24"),
        ("港口工程开工\n\n来源：中国新闻网 | 2011-11-30", "source", "中国新闻网"),
        ("港口工程开工\n\n2011-11-30 记者 陈静", "byline", "陈静"),
        ("Harbour works begin\n\nPosted by Marta in Town News", "byline", "Marta"),
    ],
)
def test_header_lines(header, field, expected):
    doc = extract_article(f"{header}\n\n{PROSE}\n\n{PROSE}\n", today=TODAY)
    assert getattr(doc, field) == expected


def test_a_short_opening_sentence_is_kept():
    text = (
        "RIYAL DEPOSIT RATES REMAIN FIRM\n\n"
        "BAHRAIN, March 1 - Saudi riyal interbank deposits were steady at higher levels.\n\n"
        f"{PROSE}\n\n{PROSE}\n"
    )
    doc = extract_article(text, today=TODAY)
    assert doc.paragraphs[0].startswith("BAHRAIN, March 1 - Saudi riyal")
