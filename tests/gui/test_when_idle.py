"""WhenIdle runs its callback after the repaints, and the layouts they lead to, of a change."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.gui.when_idle import WhenIdle


class Painted(QWidget):
    def __init__(self, name, order):
        super().__init__()
        self.name, self.order = name, order
        self.setMinimumSize(60, 40)

    def paintEvent(self, event):
        self.order.append(f"paint {self.name}")


def test_the_callback_runs_after_the_change_is_painted_and_once(qtbot):
    order = []
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    first, label, last = Painted("first", order), QLabel("x"), Painted("last", order)
    for widget in (first, label, last):
        layout.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    order.clear()
    idle = WhenIdle(lambda: order.append("idle"), window)
    idle.post()
    QTimer.singleShot(0, lambda: order.append("0 ms timer"))  # what counts waited for before
    first.update()
    label.setText("a longer text\n" * 4)  # a new layout: `last` moves and is painted again
    idle.post()
    qtbot.waitUntil(lambda: "idle" in order)
    qtbot.wait(50)
    assert order.index("0 ms timer") < order.index("paint first")
    assert order.index("paint first") < order.index("idle")
    assert order.index("paint last") < order.index("idle")
    assert order.count("idle") == 1
