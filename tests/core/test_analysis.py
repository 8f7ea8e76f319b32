"""The index analyzer: stemming English, bigrams for CJK, offsets that point into the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.analysis import is_cjk_token, text_analyzer


def _tokens(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in text_analyzer()(text, positions=True, chars=True, mode=mode)
    ]


def test_english_words_are_stemmed_with_snowball():
    words = [t[0] for t in _tokens("Running runs RUN messages message Workers’ l'Élysée")]
    assert words == ["run", "run", "run", "messag", "messag", "worker", "l", "élysé"]


def test_cjk_runs_become_bigrams_with_the_last_character_alone():
    tokens = _tokens("卢拉举行")
    assert [t[0] for t in tokens] == ["卢拉", "拉举", "举行", "行"]
    assert [t[1] for t in tokens] == [0, 1, 2, 2]
    assert [t[0] for t in _tokens("卢拉举行", mode="query")] == ["卢拉", "拉举", "举行"]


def test_mixed_scripts_keep_offsets():
    text = "Xi 出席欢迎宴会 in Brasília, ＡＢＣ news"
    for word, _pos, start, end in _tokens(text):
        if is_cjk_token(word):
            assert text[start:end] == word
        else:
            assert text[start:end].lower().translate({0xFF21 + i: 0x61 + i for i in range(26)})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_offsets_are_always_inside_the_text(text):
    last_pos = -1
    for word, pos, start, end in _tokens(text):
        assert 0 <= start < end <= len(text)
        assert word
        assert pos >= last_pos - 1
        last_pos = max(last_pos, pos)
        if is_cjk_token(word):
            assert text[start:end] == word
