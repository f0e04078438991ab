"""Marks search words in escaped HTML."""

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
