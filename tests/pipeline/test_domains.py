"""Domain assignment: headings first, keywords where headings say nothing."""

from app.pipeline.domains import choose_domain, heading_domain, keyword_domain
from app.resources import domains

FIXED_IDS = [
    "law-enforcement",
    "counter-terrorism",
    "drugs",
    "trafficking-in-persons",
    "money-laundering",
    "corruption",
    "criminal-justice",
    "maritime",
    "outer-space",
    "cyber",
    "regional-security",
    "economic-security",
    "peacekeeping-peacebuilding",
]


def test_taxonomy_ids_are_fixed():
    assert [d.id for d in domains()] == FIXED_IDS


def test_headings_name_domains():
    assert heading_domain("B. Counter-Terrorism") == "counter-terrorism"
    assert heading_domain("The Seas") == "maritime"
    assert heading_domain("Counter-piracy Measures Off the Coast of Somalia") == "maritime"
    assert heading_domain("(5) Outer Space") == "outer-space"
    assert (
        heading_domain("Measures to Combat Money Laundering and the Financing of Terrorism")
        == "money-laundering"
    )
    assert (
        heading_domain("Training for Peacekeepers of Various Countries")
        == "peacekeeping-peacebuilding"
    )
    assert heading_domain("Japan’s Efforts") is None
    # An umbrella heading decides nothing: its subsections do.
    assert (
        heading_domain("D. Capacity Building for Maritime, Outer Space, and Cyberspace Issues")
        is None
    )


def test_deepest_heading_wins_then_keywords():
    path = ("(4) The Oceans and Seas", "A Maritime Order", "(A) Basic Stance")
    assert choose_domain(path, "anything").domain == "maritime"
    path = (
        "(7) Initiatives to Combat Security Threats",
        "F Measures to Combat Illicit Drug Trafficking",
    )
    assert choose_domain(path, "text").domain == "drugs"
    choice = choose_domain(
        ("Japan’s Efforts",), "Japan supports cybersecurity training in cyberspace."
    )
    assert (choice.domain, choice.source) == ("cyber", "keywords")


def test_no_domain_has_a_reason():
    choice = choose_domain(("Introduction",), "The world is changing.")
    assert choice.domain is None and choice.reason == "no heading or keyword names a domain"
    assert keyword_domain("piracy and terrorism")[0] is None  # a tie decides nothing
