"""The selected entry in its paragraph, with links that add filters and a citation to copy."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.gui.highlight import PLACE_STYLE, marked_html, spans_for
from app.pipeline.model import NOTE_KINDS
from app.pipeline.schema import PATH_SEPARATOR, SEPARATOR
from app.query.catalogue import Catalogue
from app.query.filters import Filters

DIM = "color:#8a8a8a;"
PAGE_STYLE = (
    "body { font-size: 11pt; line-height: 140%; }"
    " a { color: #1f5fa8; text-decoration: none; }"
    " .crumb { color: #555; font-size: 9.5pt; }"
    " .label { color: #666; font-size: 9.5pt; }"
    " .note { color: #333; font-size: 10pt; }"
)
LINK_DIMENSIONS = {"country": "countries", "region": "regions", "organisation": "organisations"}


def unwrapped(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def term_html(entry: dict) -> str:
    """What the source prints before a note or glossary entry and the quote leaves out:
    "Note 33", or the term defined."""
    label = entry.get("label")
    if not label or entry.get("kind") not in NOTE_KINDS:
        return ""
    shown = f"Note {label}" if entry["kind"] == "note" else label
    return f'<span class="label"><b>{html.escape(shown)}</b></span> '


def section_headings(entry: dict) -> list[str]:
    """The headings above the entry, from the outermost, without those that only name its
    document: a report often opens with its title as a heading ("Diplomatic Bluebook 2023"),
    which the crumb and the citation already give."""
    headings = [h.strip() for h in (entry.get("section") or "").split(PATH_SEPARATOR.strip())]
    headings = [h for h in headings if h]
    short, year = entry.get("short_title") or "", entry.get("edition_year") or ""
    names = {entry.get("document") or "", short, f"{short} {year}"}
    names = {" ".join(name.split()).casefold() for name in names if name.strip()}
    while headings and " ".join(headings[0].split()).casefold() in names:
        headings.pop(0)
    return headings


def citation(entry: dict) -> str:
    """One line for a memo: title, edition, section, the quote in quotation marks."""
    headings = section_headings(entry)
    section = f", {PATH_SEPARATOR.join(headings)}" if headings else ""
    quote = " ".join(entry["quote"].split())
    return f"{entry['document']}, {entry['edition_year']} edition{section}: “{quote}”"


def link(dimension: str, value, text: str) -> str:
    return f'<a href="filter:{dimension}:{html.escape(str(value))}">{html.escape(text)}</a>'


class DetailPane(QWidget):
    """Emits `filter_requested(dimension, value)` for a clicked link, `show_in_document(id)`."""

    filter_requested = Signal(str, str)
    show_in_document = Signal(int)

    def __init__(self, catalogue: Catalogue, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.entry: dict | None = None
        self.labels = catalogue.labels()
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link_clicked)
        self.browser.document().setDefaultStyleSheet(PAGE_STYLE)
        self.copy_button = QPushButton("Copy citation")
        self.copy_button.setToolTip("Title, edition, section and the quote, on one line")
        self.copy_button.clicked.connect(self.copy_citation)
        self.document_button = QPushButton("Show in document")
        self.document_button.setToolTip("The whole source text, scrolled to this entry")
        self.document_button.clicked.connect(
            lambda: self.entry and self.show_in_document.emit(self.entry["id"])
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.document_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.show_entry(None, Filters())

    def show_entry(self, rowid: int | None, filters: Filters) -> None:
        self.entry = None if rowid is None else self.catalogue.entry(rowid)
        self.copy_button.setEnabled(self.entry is not None)
        self.document_button.setEnabled(self.entry is not None)
        if self.entry is None:
            self.browser.setHtml(
                '<p style="color:#777; margin-top:24px;" align="center">'
                "Select an entry in the table to read it in its paragraph.</p>"
            )
            return
        self.browser.setHtml(self.page_html(self.entry, filters))

    # -- the page ------------------------------------------------------------------------
    def page_html(self, entry: dict, filters: Filters) -> str:
        crumbs = [entry.get("short_title") or entry["document"], f"{entry['edition_year']} edition"]
        crumbs += section_headings(entry)
        parts = [
            f'<p class="crumb">{PATH_SEPARATOR.join(html.escape(c) for c in crumbs)}</p>',
            # pre-wrap: rich text would fold a quote's double spaces and tabs into one space.
            # A line break, though, is where a hard-wrapped source wrapped: read as a space.
            f'<p style="white-space:pre-wrap">{term_html(entry)}'
            f"{unwrapped(self.paragraph_html(entry, filters))}</p>",
            self.facts_html(entry),
        ]
        if entry.get("notes"):
            notes = "".join(
                f'<p class="note"><b>Note {html.escape(str(n["label"] or ""))}</b> '
                f"{html.escape(n['quote'])}</p>"
                for n in entry["notes"]
            )
            parts.append(f'<p class="label">Footnotes</p>{notes}')
        if entry.get("referred_by"):
            # A note's own place says little (end notes follow the chapter's last heading):
            # the sentences that call it are its context.
            callers = "".join(
                f'<p class="note"><b>{html.escape(r["entry_id"])}</b>'
                + (
                    f' <span class="crumb">{html.escape(r["section"] or "")}</span>'
                    if r["section"] != entry.get("section")  # else the crumb above says it
                    else ""
                )
                + f"<br>{html.escape(r['quote'])}</p>"
                for r in entry["referred_by"]
            )
            parts.append(f'<p class="label">Referred to in</p>{callers}')
        period = f", covering {entry['period']}" if entry.get("period") else ""
        parts.append(
            f'<p class="crumb">{html.escape(entry["document"])}, {entry["edition_year"]} edition'
            f"{html.escape(period)} · entry {html.escape(entry['entry_id'])}"
            f" ({html.escape(entry['kind'])})</p>"
        )
        return "".join(parts)

    def paragraph_html(self, entry: dict, filters: Filters) -> str:
        try:
            text = self.catalogue.document_text(entry["document_id"])
        except KeyError:
            text = ""
        pieces = []
        for other in entry.get("context") or [{"id": entry["id"], **entry}]:
            if other["id"] != entry["id"]:
                snippet = text[other["start"] : other["end"]] if text else ""
                pieces.append(f'<span style="{DIM}">{html.escape(snippet)}</span>')
                continue
            quote = entry["quote"]
            spans = spans_for(quote, filters.search, self.catalogue.stem)
            wanted = {"country": set(filters.countries), "region": set(filters.regions)}
            for mention in entry.get("mentions", []):
                if mention["ref_id"] in wanted.get(mention["dimension"], ()):
                    start, end = mention["start"] - entry["start"], mention["end"] - entry["start"]
                    if 0 <= start < end <= len(quote):
                        spans.append((start, end, PLACE_STYLE))
            pieces.append(f"<b>{marked_html(quote, spans)}</b>")
        return " ".join(pieces)

    def facts_html(self, entry: dict) -> str:
        rows = []
        codes = [c for c in (entry.get("countries") or "").split(SEPARATOR) if c]
        names = self.labels.get("countries", {})
        if codes:
            rows.append(("Countries", [link("countries", c, names.get(c, c)) for c in codes]))
        for dimension, title in (("region", "Regions"), ("organisation", "Organisations")):
            plural = LINK_DIMENSIONS[dimension]
            ids = dict.fromkeys(
                m["ref_id"] for m in entry.get("mentions", []) if m["dimension"] == dimension
            )
            table = self.labels.get(plural, {})
            if ids:
                rows.append((title, [link(plural, i, table.get(i, i)) for i in ids]))
        if entry.get("domain"):
            rows.append(("Domain", [link("domains", entry["domain"], entry["domain_label"])]))
        figures = [f.get("display") or f.get("text") for f in entry.get("figure_list", [])]
        if figures:
            rows.append(("Figures", [link("has_figure", 1, f) for f in figures if f]))
        years = []
        for y in entry.get("year_list", []):
            span = f"{y['year_from']}-{y['year_to'] or ''}"  # "since 2009": no end
            years.append(link("years", span, y.get("text") or str(y["year_from"])))
        if years:
            rows.append(("Years", years))
        if not rows:
            return ""
        cells = "".join(
            f'<tr><td class="label" style="padding-right:10px">{title}</td>'
            f"<td>{', '.join(links)}</td></tr>"
            for title, links in rows
        )
        return f'<table cellspacing="2">{cells}</table>'

    # -- actions -------------------------------------------------------------------------
    def _link_clicked(self, url) -> None:
        _, dimension, value = (url.toString().split(":", 2) + ["", ""])[:3]
        if dimension:
            self.filter_requested.emit(dimension, value)

    def copy_citation(self) -> None:
        if self.entry is not None:
            QGuiApplication.clipboard().setText(citation(self.entry))
