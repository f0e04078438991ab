"""What the About box says: the documents the catalogue was built from, and when."""

from __future__ import annotations

import html

from app import __version__
from app.query.catalogue import Catalogue


def about_html(catalogue: Catalogue) -> str:
    meta = catalogue.meta()
    rows = "".join(
        f"<tr><td>{html.escape(d['title'])}</td><td align='center'>{d['edition_year']}</td>"
        f"<td>{html.escape(d.get('chapter') or d['source_file'])}</td>"
        f"<td align='right'>{d['n_entries']:,}</td></tr>"
        for d in catalogue.documents()
    )
    total = meta.get("entries") or str(catalogue.count())
    try:
        total = f"{int(total):,}"
    except ValueError:
        pass
    return (
        f"<h3>Security Cooperation Catalogue {html.escape(__version__)}</h3>"
        "<p>Japan's security cooperation, sentence by sentence, from reports of the "
        "Ministry of Foreign Affairs of Japan. Read offline; nothing is sent anywhere.</p>"
        f"<p>Catalogue <code>{html.escape(str(catalogue.path))}</code><br>"
        f"built {html.escape(meta.get('built_at', 'at an unknown date'))}, "
        f"{total} entries, from:</p>"
        "<table cellspacing='4'><tr><th align='left'>Document</th><th>Edition</th>"
        "<th align='left'>Part</th><th align='right'>Entries</th></tr>"
        f"{rows}</table>"
    )
