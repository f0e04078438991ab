"""What the About box says: the documents the catalogue was built from, and when."""

from __future__ import annotations

import html

from app import __version__
from app.query.catalogue import Catalogue
from app.wording import counted

# Documents named in the box itself. A catalogue of years of reports has hundreds: as a rich
# text table in a message box, 500 of them held the window for 1.5 s while Qt laid the table
# out (and made a box 23,000 pixels tall); the rest are listed in its details, as plain text.
ABOUT_LISTED = 5


def about_html(catalogue: Catalogue, listed: int = ABOUT_LISTED) -> str:
    meta = catalogue.meta()
    documents = catalogue.documents()
    rows = "".join(
        f"<tr><td>{html.escape(d['title'])}</td><td align='center'>{d['edition_year']}</td>"
        f"<td>{html.escape(_part(d))}</td>"
        f"<td align='right'>{d['n_entries']:,}</td></tr>"
        for d in documents[:listed]
    )
    more = len(documents) - listed
    rest = (
        f"<p>… and {counted(more, 'more document')}: “Show Details…” lists every one.</p>"
        if more > 0
        else ""
    )
    total = meta.get("entries") or str(catalogue.count())
    try:
        total = counted(int(total), "entry")
    except ValueError:
        total = f"{total} entries"
    return (
        f"<h3>Security Cooperation Catalogue {html.escape(__version__)}</h3>"
        "<p>Japan's security cooperation, sentence by sentence, from reports of the "
        "Ministry of Foreign Affairs of Japan. Read offline; nothing is sent anywhere.</p>"
        f"<p>Catalogue <code>{html.escape(str(catalogue.path))}</code><br>"
        f"built {html.escape(meta.get('built_at', 'at an unknown date'))}, "
        f"{total}, from {counted(len(documents), 'document')}:</p>"
        "<table cellspacing='4'><tr><th align='left'>Document</th><th>Edition</th>"
        "<th align='left'>Part</th><th align='right'>Entries</th></tr>"
        f"{rows}</table>{rest}"
    )


def about_details(catalogue: Catalogue, listed: int = ABOUT_LISTED) -> str:
    """Every document, a line each, when the box names only some of them; else empty."""
    documents = catalogue.documents()
    if len(documents) <= listed:
        return ""
    return "\n".join(
        f"{d['title']} ({d['edition_year']}), {_part(d)}: {counted(d['n_entries'], 'entry')}"
        for d in documents
    )


def _part(document: dict) -> str:
    return document.get("chapter") or document["source_file"]
