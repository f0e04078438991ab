"""Marks search words in escaped HTML."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.gui.highlight import MARK_STYLE, marked_html, search_html, spans_for


def test_text_is_escaped_and_words_marked():
    html = search_html("Patrol <vessels> & Vessel for Viet Nam", "vessel")
    assert "&lt;" in html and "&amp;" in html and "<vessels>" not in html
    assert html.count(MARK_STYLE) == 2


def test_prefixes_phrases_and_hostile_input():
    assert search_html("cybersecurity and cyber", "cyber*").count(MARK_STYLE) == 2
    assert search_html("a (b) c", '"(b" OR )*').count(MARK_STYLE) == 1
    assert search_html("anything", "") == "anything"
    assert search_html("x", "((((") == "x"


def test_overlapping_spans_are_skipped():
    assert marked_html("abcdef", [(0, 3, "a"), (2, 4, "b")]) == '<span style="a">abc</span>def'


def test_words_left_out_are_not_marked():
    html = search_html("piracy off Somalia, and robbery", "piracy OR robbery -somalia")
    assert html.count(MARK_STYLE) == 2 and "Somalia," in html.replace("</span>", "")
    assert f'<span style="{MARK_STYLE}">Somalia' not in html


def test_words_that_share_a_searched_words_stem_are_marked():
    # "cooperate" found 137 entries of the bundled catalogue; 129 showed no mark.
    stems = {"cooperate": "cooper", "cooperation": "cooper", "cooperage": "cooperag"}

    def stem(word):
        return stems.get(word.lower(), word.lower())

    text = "Cooperation, cooperage and cooperate"
    marked = [text[a:b] for a, b, _ in spans_for(text, "cooperate", stem)]
    assert sorted(marked) == ["Cooperation", "cooperate"]
    assert spans_for(text, "cooperate") == [(27, 36, MARK_STYLE)]  # without stems: the word
    assert spans_for(text, "cooper*", stem) == spans_for(text, "cooper*")  # a prefix is a prefix


def test_a_stem_that_ends_differently_from_the_word_still_marks_it():
    # Porter writes a last "y" as "i": "cities" found "city", which was left unmarked.
    stems = {"city": "citi", "cities": "citi", "citizen": "citizen"}

    def stem(word):
        return stems.get(word.lower(), word.lower())

    text = "A city, two cities and a citizen"
    assert [text[a:b] for a, b, _ in spans_for(text, "cities", stem)] == ["cities", "city"]


def test_words_are_marked_whatever_their_accents_as_the_index_finds_them():
    # The index folds accents: "turkiye" finds "Türkiye", which was left unmarked.
    text = "Türkiye and the Communiqué; a communique"
    assert [text[a:b] for a, b, _ in spans_for(text, "turkiye")] == ["Türkiye"]
    assert [text[a:b] for a, b, _ in spans_for(text, "Communiqué")] == ["Communiqué", "communique"]
    assert [text[a:b] for a, b, _ in spans_for(text, "turk*")] == ["Türkiye"]


def test_an_accent_written_as_a_mark_of_its_own_is_marked_with_its_letter():
    text = "De\u0301tente, then de\u0301tentes"  # "e" and a combining acute accent
    marked = [text[a:b] for a, b, _ in spans_for(text, "detente")]
    assert marked == ["De\u0301tente", "de\u0301tentes"]


def test_accented_words_that_share_a_stem_are_marked(catalogue):
    # The real index's stems: "Communiqués" is "communiqu", as "communique" is.
    text = "Les Communiqués et la coopération"
    marked = [text[a:b] for a, b, _ in spans_for(text, "communique", catalogue.stem)]
    assert marked == ["Communiqués"]
    assert [text[a:b] for a, b, _ in spans_for(text, "cooperation", catalogue.stem)] == [
        "coopération"
    ]


def test_every_bundled_quote_the_search_finds_has_a_mark(catalogue):
    # Searches for the accented words of the bundled catalogue, typed without accents.
    for word in ("communique", "vendemiaire"):
        quotes = catalogue.conn.execute(
            "SELECT quote FROM entries WHERE id IN"
            " (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)",
            [word],
        ).fetchall()
        assert quotes
        assert all(spans_for(quote, word, catalogue.stem) for (quote,) in quotes)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("aeéE\u0301\u0308 ü-’ßñÑ\u00c5ǅ한"), max_size=40),
    word=st.text(alphabet=st.sampled_from("aeéuüsñ"), min_size=1, max_size=4),
)
def test_marks_cover_whole_letters_of_the_text_as_written(text, word):
    for start, end, _ in spans_for(text, word):
        assert 0 <= start < end <= len(text)
        assert not unicodedata.combining(text[start])  # a mark is not cut from its letter
        assert end == len(text) or not unicodedata.combining(text[end])
