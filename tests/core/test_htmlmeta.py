"""A web page's title, date, author and site: the page's own metadata first, then guesses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reader.core.importers.htmlmeta import PageMetadata, page_metadata

PROSE = "<p>The council met on Tuesday and voted to keep the old market hall open.</p>"


def meta(head: str = "", body: str = "", **fields: Any) -> PageMetadata:
    page = f"<!DOCTYPE html><html><head>{head}</head><body>{body}{PROSE}</body></html>"
    return page_metadata(page, fields)


def json_ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


# --- title -------------------------------------------------------------------------------


def test_json_ld_headline_comes_before_the_sharing_title():
    page = meta(
        "<title>Council keeps the market hall open - The Town Crier</title>"
        '<meta property="og:title" content="You will not believe what the council did">'
        + json_ld('{"@type": "NewsArticle", "headline": "Council keeps the market hall open"}')
    )
    assert page.title == "Council keeps the market hall open"


def test_json_ld_in_a_graph_a_list_and_cdata():
    graph = """<![CDATA[ [{"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "The Town Crier"},
        {"@type": ["ReportageNewsArticle"], "headline": "Market hall saved",
         "datePublished": "2021-03-04T08:00:00+01:00", "author": [{"name": "Ann Lee"}]}]}] ]]>"""
    page = meta("<title>Home</title>" + json_ld(graph))
    assert page.title == "Market hall saved"
    assert page.date == dt.date(2021, 3, 4)
    assert page.author == "Ann Lee"


def test_a_list_of_other_articles_is_not_the_article():
    related = json_ld(
        '{"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": '
        '{"@type": "NewsArticle", "headline": "Another story", "datePublished": "2001-01-02"}}]}'
    )
    page = meta("<title>Market hall saved</title>" + related)
    assert page.title == "Market hall saved"
    assert page.date is None


def test_the_site_name_is_cut_from_the_title():
    site = '<meta property="og:site_name" content="The Town Crier">'
    assert meta(site + "<title>Market hall saved | The Town Crier</title>").title == (
        "Market hall saved"
    )
    assert meta(site + "<title>The Town Crier — Market hall saved</title>").title == (
        "Market hall saved"
    )
    site = '<meta property="og:site_name" content="街の新聞">'
    assert meta(site + "<title>市場ホールは残る：街の新聞</title>").title == "市場ホールは残る"
    assert meta("<title>市场大厅保住了_新闻_城市报</title>", body="<p>城市报</p>" * 3).title == (
        "市场大厅保住了_新闻"
    )


def test_a_title_without_a_site_name_is_kept_whole():
    title = "Evolve: Shared Mutable History - a guide for beginners"
    assert meta(f"<title>{title}</title>").title == title


def test_the_site_name_the_page_repeats_is_cut_from_the_title_end():
    page = meta(
        "<title>Market hall saved-城市报</title>",
        body="<div>城市报</div><h2>Market hall</h2><footer>© 城市报</footer>",
    )
    assert page.title == "Market hall saved"


def test_the_h1_gives_the_title_its_typography_and_its_full_length():
    page = meta(
        '<meta property="og:title" content="Don\'t close the \'old\' hall">',
        body="<h1>Don’t close the ‘old’ hall</h1>",
    )
    assert page.title == "Don’t close the ‘old’ hall"
    page = meta(
        '<meta property="og:title" content="Council keeps market hall">',
        body="<h1>Council keeps market hall open for another ten years</h1>",
    )
    assert page.title == "Council keeps market hall open for another ten years"


def test_the_h1_without_what_the_title_adds():
    page = meta(
        '<meta property="og:title" content="Council keeps the market hall (Published 2016)">',
        body="<h1>Council keeps the market hall</h1>",
    )
    assert page.title == "Council keeps the market hall"


def test_title_and_h1_agreeing_outvote_the_sharing_title():
    page = meta(
        '<meta property="og:title" content="You will not believe what happened">'
        "<title>Council keeps the market hall open | Crier</title>",
        body="<h1>Council keeps the market hall open</h1>",
    )
    assert page.title == "Council keeps the market hall open"


def test_logo_and_hidden_headings_are_not_the_title():
    page = meta(
        body='<h1 class="site-logo"><a href="/"><img src="l.png" alt="Crier"></a>Crier</h1>'
        '<h1 class="hidden">The Town Crier</h1>'
    )
    assert page.title is None
    page = meta(
        "<title>Market hall saved - The Town Crier</title>",
        body='<h1><a href="https://crier.example/">The Town Crier</a></h1>',
    )
    assert page.title == "Market hall saved"


def test_a_title_in_the_site_name_field_is_not_a_site_name():
    title = "Council keeps the market hall open for ten more years"
    page = meta(f'<meta name="application-name" content="{title}"><title>{title}</title>')
    assert page.title == title
    assert page.site is None


def test_entities_left_in_json_ld_and_twice_escaped_meta_tags_are_decoded():
    assert meta(json_ld('{"@type": "Article", "headline": "Don&#8217;t close it"}')).title == (
        "Don’t close it"
    )
    assert meta('<meta property="og:title" content="&amp;#8216;Hall&amp;#8217; saved">').title == (
        "‘Hall’ saved"
    )


def test_meta_values_saved_in_a_value_attribute():
    page = meta('<meta name="og:title" value="Market hall saved"><title>Crier</title>')
    assert page.title == "Market hall saved"


# --- date --------------------------------------------------------------------------------


def test_published_not_modified_and_the_local_date_as_written():
    page = meta(
        '<meta property="article:modified_time" content="2024-01-09T10:00:00Z">'
        '<meta property="article:published_time" content="2021-03-04T23:30:00-05:00">'
    )
    assert page.date == dt.date(2021, 3, 4)  # 5 March in UTC: not converted


def test_a_timestamp_in_seconds():
    assert meta('<meta name="pubdate" content="1577934000">').date == dt.date(2020, 1, 2)


def test_meta_date_keys_and_itemprop():
    assert meta('<meta name="parsely-pub-date" content="2020-06-01">').date == dt.date(2020, 6, 1)
    assert meta('<meta name="citation_publication_date" content="2019/11/30">').date == (
        dt.date(2019, 11, 30)
    )
    body = '<span itemprop="datePublished" content="2018-02-03">3 Feb</span>'
    assert meta(body=body).date == dt.date(2018, 2, 3)


def test_a_time_element_as_printed_and_not_in_the_comments():
    body = (
        '<div class="comments"><time datetime="2023-05-01T10:00:00Z">May 1, 2023</time></div>'
        '<time datetime="2016-12-01T23:29:49Z">December 2, 2016</time>'
    )
    assert meta(body=body).date == dt.date(2016, 12, 2)


def test_dates_in_the_future_or_implausibly_old_are_dropped():
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    assert meta(f'<meta property="article:published_time" content="{future}">').date is None
    assert meta('<meta name="date" content="1066-10-14">').date is None


def test_a_year_alone_is_not_a_date_but_a_stated_first_of_january_is():
    assert meta(date="2019-01-01").date is None
    assert meta(body="<p>Posted 2019-01-01</p>", date="2019-01-01").date == dt.date(2019, 1, 1)
    assert meta(date="2019-04-07").date == dt.date(2019, 4, 7)


def test_the_dateline_under_the_headline():
    body = "<h1>市场大厅保住了</h1><div><span>2019年04月21日 12时00分</span> 文 / 记者</div>"
    assert meta("<title>市场大厅保住了</title>", body).date == dt.date(2019, 4, 21)


def test_a_date_in_the_prose_under_the_headline_is_no_dateline():
    body = (
        "<h1>Ann Lee</h1><p>Ann Lee, born on 28 January 1975 in Singapore, is a singer and "
        "songwriter who has released eleven albums.</p>"
    )
    assert meta("<title>Ann Lee</title>", body).date is None


# --- author and site ---------------------------------------------------------------------


def test_json_ld_persons_before_their_organisation():
    ld = json_ld(
        '{"@type": "Article", "headline": "Hall saved", "author": '
        '[{"@type": "Organization", "name": "Crier Media"}, {"@type": "Person", "name": "Ann Lee"},'
        ' {"@type": "Person", "name": "Bo Chan"}]}'
    )
    assert meta(ld).author == "Ann Lee, Bo Chan"
    ld = json_ld(
        '{"@type": "Article", "author": {"@type": "Organization", "name": "Wiki editors"}}'
    )
    assert meta(ld).author == "Wiki editors"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("By Ann Lee", "Ann Lee"),
        ("Ann Lee | ann@crier.example", "Ann Lee"),
        ("Ann Lee Senior Politics Editor", "Ann Lee"),
        ("Ann Lee View author archive Get author RSS feed", "Ann Lee"),
        ("ANN LEE December", "ANN LEE"),
        ("记者：陈静", "陈静"),
        ("Ann Lee; Bo Chan & Cy Dee", "Ann Lee, Bo Chan, Cy Dee"),
        ("Analysis by Ann Lee, CNN Editor-at-large", "Ann Lee"),
        ("Ann Lee, Crier.com", "Ann Lee"),
    ],
)
def test_bylines_are_cleaned(raw: str, clean: str):
    assert meta(author=raw).author == clean


def test_profile_links_and_the_publishers_name_are_not_authors():
    head = (
        '<meta property="og:site_name" content="Crier">'
        '<meta property="article:author" content="https://www.facebook.com/annlee">'
        '<meta name="author" content="Crier">'
    )
    assert meta(head, author="Ann Lee").author == "Ann Lee"
    assert meta(head.replace("Crier", "Ann Lee")).author == "Ann Lee"  # a personal site
    assert meta('<meta name="author" content="Staff">').author is None


def test_the_site_name():
    ld = json_ld('{"@type": "NewsArticle", "publisher": {"name": "Crier Media"}}')
    assert meta('<meta property="og:site_name" content="The Town Crier">' + ld).site == (
        "The Town Crier"
    )
    assert meta(ld).site == "Crier Media"
    assert meta(sitename="crier.example").site == "crier.example"
    assert meta('<meta property="og:site_name" content="https://crier.example">').site is None
    assert meta('<meta property="og:site_name" content="@crier">').site == "crier"


# --- hostile pages -----------------------------------------------------------------------


def test_broken_and_hostile_pages_fall_back_to_trafilatura():
    fields = {"title": "Hall saved", "date": "2020-02-03", "author": "By Ann Lee"}
    for page in ("", "<!-- nothing -->", "<?xml version='1.0'?>", "\x00\x01"):
        assert page_metadata(page, fields) == PageMetadata(
            title="Hall saved", date=dt.date(2020, 2, 3), author="Ann Lee"
        )
    nested = "<div>" * 50_000 + "<h1>Deep</h1>" + "</div>" * 50_000
    assert page_metadata(nested, fields).date == dt.date(2020, 2, 3)


def test_broken_json_ld_is_ignored():
    for script in ('{"headline": "X",}', "[" * 20_000 + "]" * 20_000, "not json", "null"):
        page = meta("<title>Hall saved</title>" + json_ld(script))
        assert page.title == "Hall saved"
    unclosed = meta('<title>Hall saved</title><script type="application/ld+json">{"a": 1')
    assert unclosed.title == "Hall saved"


def test_no_entity_expansion():
    page = (
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><head><title>&b;&b;</title></head><body></body></html>"
    )
    title = page_metadata(page, {}).title or ""
    assert "aaaa" not in title
