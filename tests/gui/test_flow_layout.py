"""Widgets in rows that wrap as the width shrinks."""

from PySide6.QtWidgets import QPushButton, QWidget

from app.gui.flow_layout import FlowLayout


def make(qtbot, count=6):
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = FlowLayout(holder, spacing=4)
    buttons = [QPushButton(f"Button number {n}") for n in range(count)]
    for button in buttons:
        layout.addWidget(button)
    return holder, layout, buttons


def test_items_wrap_onto_as_many_rows_as_the_width_needs(qtbot):
    holder, layout, buttons = make(qtbot)
    widest = max(button.sizeHint().width() for button in buttons)
    row = buttons[0].sizeHint().height()
    wide = layout.sizeHint().width()
    assert layout.heightForWidth(wide) == row
    assert layout.heightForWidth(widest) == 6 * row + 5 * 4  # one button a row
    assert layout.minimumSize().width() == max(b.minimumSizeHint().width() for b in buttons)
    holder.resize(widest * 2 + 4, layout.heightForWidth(widest * 2 + 4))
    holder.show()
    qtbot.waitExposed(holder)
    lefts = [button.geometry().left() for button in buttons]
    tops = [button.geometry().top() for button in buttons]
    assert lefts[0] == lefts[2] == lefts[4] == 0 and lefts[1] > 0
    assert tops[0] == tops[1] < tops[2] == tops[3] < tops[4]
    for button in buttons:
        assert holder.rect().contains(button.geometry())


def test_a_hidden_item_takes_no_place(qtbot):
    holder, layout, buttons = make(qtbot, count=2)
    alone = layout.sizeHint().width()
    buttons[1].hide()
    assert layout.sizeHint().width() < alone
    assert layout.count() == 2 and layout.itemAt(2) is None and layout.takeAt(5) is None
