"""Anchoring annotations: found again after the text changed, orphaned when their passage went."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.anchoring import Anchor, Selector, anchor, make_selector, text_hash

TEXT = (
    "Officials in Geneva said on Monday that the talks would resume next week.\n"
    "The delegations met for six hours. A quick brown fox jumped over the lazy dog, "
    "witnesses said, and the meeting ended without a statement.\n"
    "Markets rose slightly after the news, and the central bank kept interest rates on hold."
)


def select(text: str, quote: str, occurrence: int = 0) -> Selector:
    """The selector of the ``occurrence``-th appearance of ``quote`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return make_selector(text, start, start + len(quote))


def quoted(found: Anchor | None, text: str) -> str:
    assert found is not None
    return text[found.start : found.end]


def test_unchanged_text_keeps_the_stored_position():
    selector = select(TEXT, "quick brown fox")
    assert anchor(selector, TEXT) == Anchor(selector.start, selector.end, "unchanged", 1.0)


def test_a_paragraph_inserted_before_moves_the_annotation_by_its_quote():
    selector = select(TEXT, "quick brown fox")
    edited = "Editor's note: this story was updated.\n" + TEXT
    found = anchor(selector, edited)
    assert found is not None
    assert (found.method, found.score) == ("quote", 1.0)
    assert found.start == selector.start + len("Editor's note: this story was updated.\n")
    assert quoted(found, edited) == "quick brown fox"


def test_an_edit_after_the_passage_keeps_its_position():
    selector = select(TEXT, "quick brown fox")
    edited = TEXT.replace("kept interest rates on hold", "raised interest rates")
    assert anchor(selector, edited) == Anchor(selector.start, selector.end, "position", 1.0)


def test_a_word_changed_inside_the_quote_anchors_fuzzily_on_the_new_phrase():
    selector = select(TEXT, "A quick brown fox jumped over the lazy dog")
    edited = TEXT.replace("quick brown fox", "quick red fox")
    found = anchor(selector, edited)
    assert found is not None
    assert found.method == "fuzzy"
    assert 0.65 <= found.score < 1.0
    assert quoted(found, edited) == "A quick red fox jumped over the lazy dog"


def test_replaced_first_and_last_words_are_covered_whole():
    selector = select(TEXT, "quick brown fox jumped over the lazy dog")
    edited = TEXT.replace(
        "quick brown fox jumped over the lazy dog", "swift brown fox jumped over the lazy greyhound"
    )
    found = anchor(selector, edited)
    assert quoted(found, edited) == "swift brown fox jumped over the lazy greyhound"


def test_a_deleted_passage_becomes_an_orphan():
    selector = select(TEXT, "A quick brown fox jumped over the lazy dog, witnesses said")
    edited = TEXT.replace(
        "A quick brown fox jumped over the lazy dog, witnesses said, and the meeting ended"
        " without a statement.",
        "",
    )
    assert anchor(selector, edited) is None


def test_a_deleted_short_quote_does_not_move_to_the_same_words_elsewhere():
    selector = select(TEXT, "the talks")
    edited = TEXT.replace(
        "Officials in Geneva said on Monday that the talks would resume next week.", ""
    )
    edited += "\nAnalysts doubted the talks would help."
    assert anchor(selector, edited) is None


def test_a_replaced_word_does_not_move_to_the_same_word_nearby():
    text = "He said it is is hard to know, and the report is due in June at the latest."
    selector = make_selector(text, 16, 18)  # the second "is"
    edited = text[:16] + "sum" + text[18:]
    assert anchor(selector, edited) is None


def test_a_repeated_quote_is_found_at_the_occurrence_with_its_context():
    text = (
        "In March the central bank kept rates on hold. Critics were unhappy.\n"
        "In June the central bank kept rates on hold. Investors were relieved.\n"
    )
    selector = select(text, "the central bank kept rates on hold", occurrence=1)
    # Both sides of the context change, so neither occurrence keeps a whole side as recorded.
    edited = text.replace("In June", "By mid-June").replace("Investors were", "Many investors felt")
    edited = "A new first paragraph pushes everything down.\n" + edited
    found = anchor(selector, edited)
    assert found is not None
    assert found.start == edited.index("the central bank", edited.index("mid-June"))
    assert found.method == "quote"


def test_a_repeated_quote_with_the_same_context_goes_to_the_nearest_occurrence():
    paragraph = "The river rose again overnight. The river rose again overnight.\n"
    text = paragraph * 3
    selector = select(text, "river rose", occurrence=3)
    edited = "Flood warning.\n" + text
    found = anchor(selector, edited)
    assert found is not None
    assert found.start == selector.start + len("Flood warning.\n")


def test_a_duplicated_paragraph_lands_on_a_copy_of_the_passage():
    selector = select(TEXT, "witnesses said")
    first, last = TEXT.index("The delegations"), TEXT.index("Markets")
    edited = TEXT[:first] + TEXT[first:last] + TEXT[first:]
    assert quoted(anchor(selector, edited), edited) == "witnesses said"


def test_reflowed_whitespace_anchors_on_the_same_words():
    selector = select(TEXT, "A quick brown fox jumped over the lazy dog")
    edited = TEXT.replace("brown fox jumped", "brown\nfox  jumped")
    assert (
        quoted(anchor(selector, edited), edited) == "A quick brown\nfox  jumped over the lazy dog"
    )


CJK_TEXT = "北京消息：气候变化会议今天开幕。🌍各国代表讨论了碳排放问题😀，并同意加强合作。"


def test_cjk_and_emoji_offsets_count_code_points():
    selector = select(CJK_TEXT, "讨论了碳排放问题😀")
    assert selector.start == CJK_TEXT.index("讨论")
    edited = "【新华社】🌏🌏" + CJK_TEXT
    found = anchor(selector, edited)
    assert found is not None
    assert found.method == "quote"
    assert quoted(found, edited) == "讨论了碳排放问题😀"


def test_cjk_edit_inside_the_quote_anchors_fuzzily():
    selector = select(CJK_TEXT, "各国代表讨论了碳排放问题😀")
    edited = CJK_TEXT.replace("碳排放", "温室气体排放")
    found = anchor(selector, edited)
    assert found is not None
    assert found.method == "fuzzy"
    assert quoted(found, edited) == "各国代表讨论了温室气体排放问题😀"


def test_prefix_and_suffix_stop_at_the_ends_of_the_text():
    first = make_selector(TEXT, 0, len("Officials"))
    last = make_selector(TEXT, len(TEXT) - len("on hold."), len(TEXT))
    assert (first.prefix, len(first.suffix)) == ("", 32)
    assert (len(last.prefix), last.suffix) == (32, "")
    whole = make_selector("short", 0, 5)
    assert (whole.prefix, whole.exact, whole.suffix) == ("", "short", "")

    edited = "Breaking. " + TEXT + " More soon."
    assert quoted(anchor(first, edited), edited) == "Officials"
    assert quoted(anchor(last, edited), edited) == "on hold."
    assert quoted(anchor(whole, "Not so short"), "Not so short") == "short"


def test_a_quote_at_the_start_keeps_its_place_when_its_first_word_changes():
    selector = make_selector(TEXT, 0, len("Officials in Geneva said"))
    edited = "Diplomats" + TEXT[len("Officials") :]
    assert quoted(anchor(selector, edited), edited) == "Diplomats in Geneva said"


def test_anchoring_in_an_empty_or_unrelated_text_gives_an_orphan():
    selector = select(TEXT, "quick brown fox")
    assert anchor(selector, "") is None
    assert anchor(selector, "Completely different words about gardening and tomatoes.") is None


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1)])
def test_make_selector_rejects_empty_or_outside_spans(start: int, end: int):
    with pytest.raises(ValueError, match="empty or outside"):
        make_selector(TEXT, start, end)


def test_a_selector_whose_span_does_not_fit_its_quote_is_rejected():
    with pytest.raises(ValueError, match="does not fit"):
        Selector(exact="fox", prefix="", suffix="", start=4, end=9, text_hash=text_hash("x"))


def test_text_hash_is_the_sha256_of_the_utf8_text():
    assert text_hash("fox 🦊") == hashlib.sha256("fox 🦊".encode()).hexdigest()
    assert text_hash("lone \ud800 surrogate") != text_hash("lone  surrogate")
    assert make_selector(TEXT, 2, 9).text_hash == text_hash(TEXT)


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(st.text(min_size=1, max_size=300))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@given(text_and_span())
def test_unchanged_text_anchors_on_the_same_span(case: tuple[str, int, int]):
    text, start, end = case
    found = anchor(make_selector(text, start, end), text)
    assert found == Anchor(start, end, "unchanged", 1.0)


@given(text_and_span(), st.text(min_size=1, max_size=100), st.data())
def test_text_inserted_outside_the_span_keeps_the_quote(
    case: tuple[str, int, int], inserted: str, data: st.DataObject
):
    text, start, end = case
    at = data.draw(st.sampled_from([*range(start + 1), *range(end, len(text) + 1)]))
    edited = text[:at] + inserted + text[at:]
    found = anchor(make_selector(text, start, end), edited)
    assert quoted(found, edited) == text[start:end]
