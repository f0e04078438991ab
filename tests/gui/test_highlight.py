"""Marks search words in escaped HTML."""

from app.gui.highlight import MARK_STYLE, marked_html, search_html


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
