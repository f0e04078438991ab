"""Active filters as removable chips, a "Clear all" button and the filter in words."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.flow_layout import FlowLayout
from app.query.filters import DIMENSION_NAMES, FIGURE_WORDS, KIND_LABELS, Filters, year_words
from app.query.search import searches

CHIP_STYLE = (
    "QToolButton { border: 1px solid #9bb7d4; border-radius: 10px; padding: 2px 8px;"
    " background: #e8f0fa; color: #1d3d63; }"
    "QToolButton:hover { background: #d3e2f4; border-color: #5f8fc3; }"
    # Reached with Tab, a chip looked like the others: Space would remove an unseen choice.
    "QToolButton:focus { border: 2px solid palette(highlight); padding: 1px 7px; }"
)
# A chip, the status bar and the empty table's button name a filter in at most this many
# characters: a pasted paragraph searched for made each as wide as itself, and the window wider
# than the screen.
SHOWN_CHARS = 40

# What a chip that is not one value of a dimension filters, in its tooltip.
OTHER_CHIP_NAMES = {
    "include_region_members": "Member countries of the regions",
    "years": "Years",
    "has_figure": "Figure",
    "search": "Search",
}


def shortened(text: str, most: int = SHOWN_CHARS) -> str:
    """`text`, or its first words up to `most` characters and "…"."""
    if len(text) <= most:
        return text
    cut = text[: most - 1]
    words = cut.rsplit(" ", 1)[0] if " " in cut[most // 2 :] else cut
    return words.rstrip(" ,;:") + "…"


def chip_name(dimension: str) -> str:
    """What a chip of `dimension` filters, in words: "Country", "Years"."""
    return DIMENSION_NAMES.get(dimension) or OTHER_CHIP_NAMES[dimension]


def chips_of(filters: Filters, labels) -> list[tuple[str, str | None, str]]:
    """(dimension, value or None for the whole dimension, chip text) for every active filter."""
    chips = []
    for dimension in DIMENSION_NAMES:
        kinds = dimension == "kinds"
        table = KIND_LABELS if kinds else labels.get(dimension, {})
        for value in getattr(filters, dimension):
            text = table[value] if value in table else value.capitalize() if kinds else value
            chips.append((dimension, value, shortened(text)))
    if filters.include_region_members:
        chips.append(("include_region_members", None, "Incl. member countries"))
    if filters.year_from is not None or filters.year_to is not None:
        chips.append(("years", None, year_words(filters.year_from, filters.year_to).capitalize()))
    if filters.has_figure is not None:
        chips.append(("has_figure", None, FIGURE_WORDS[filters.has_figure].capitalize()))
    if searches(filters.search):
        chips.append(("search", None, f"“{shortened(filters.search.strip())}”"))
    return chips


class FilterChips(QWidget):
    """Emits `removed(dimension, value)` for a chip's ✕ and `clear_all()` for the button."""

    removed = Signal(str, object)
    clear_all = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        # Chips wrap onto more rows: in one row, a few filters made the window wider than
        # the screen, squeezing the filter panel.
        self.row = FlowLayout(spacing=4)
        self.clear_button = QPushButton("Clear all")
        self.clear_button.setToolTip("Remove every filter (back to all body text)")
        self.clear_button.clicked.connect(self.clear_all)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setStyleSheet("color: palette(placeholder-text);")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addLayout(self.row, 1)
        top.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.description)
        self.chips: list[QToolButton] = []

    def show_filters(self, filters: Filters, labels, description: str, can_clear: bool) -> None:
        for chip in self.chips:
            self.row.removeWidget(chip)
            chip.setObjectName("")  # deleteLater is later: chip() must not find it meanwhile
            chip.hide()
            chip.deleteLater()
        self.chips = []
        for dimension, value, text in chips_of(filters, labels):
            chip = QToolButton(self)
            chip.setText(f"{text}  ✕")
            chip.setToolTip(f"Remove this filter ({chip_name(dimension)})")
            chip.setObjectName(f"chip:{dimension}:{value or ''}")
            chip.setStyleSheet(CHIP_STYLE)
            chip.setIconSize(QSize(0, 0))
            chip.clicked.connect(lambda _=False, d=dimension, v=value: self.removed.emit(d, v))
            self.row.addWidget(chip)
            self.chips.append(chip)
        if not self.chips:
            none = QLabel("No filters: every entry of the catalogue")
            none.setStyleSheet("color: palette(placeholder-text);")
            self.row.addWidget(none)
            self.chips.append(none)
        self.clear_button.setEnabled(can_clear)
        self.description.setText(description)

    def chip(self, dimension: str, value: str | None = None) -> QToolButton | None:
        return self.findChild(QToolButton, f"chip:{dimension}:{value or ''}")
