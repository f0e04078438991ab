"""The background export writes what export_csv writes, and cancelling writes nothing."""

import app.export.csv_export as csv_export
from app.export.csv_export import export_csv
from app.gui.export_task import ExportTask, ExportWorker
from app.query.filters import Filters


def run_worker(qtbot, worker):
    task = ExportTask(worker)
    with qtbot.waitSignal(task.finished, timeout=10000):
        task.start()
    task.wait()


def test_worker_writes_the_same_bytes_as_the_cli_path(qtbot, catalogue, catalogue_path, tmp_path):
    filters = Filters(domains=("maritime",))
    target = tmp_path / "out.csv"
    worker = ExportWorker(catalogue_path, target, filters, "years", True)
    results = []
    worker.done.connect(results.append)
    run_worker(qtbot, worker)
    reference = tmp_path / "ref.csv"
    assert results == [export_csv(catalogue.iter_rows(filters, "years", True), reference)]
    assert target.read_bytes() == reference.read_bytes()


def test_cancel_leaves_no_file(qtbot, catalogue_path, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_export, "PROGRESS_EVERY", 5)  # check for a cancel early
    target = tmp_path / "out.csv"
    worker = ExportWorker(catalogue_path, target, Filters(), None, False)
    cancelled = []
    worker.cancelled.connect(lambda: cancelled.append(True))
    worker.cancel()
    run_worker(qtbot, worker)
    assert cancelled == [True]
    assert list(tmp_path.iterdir()) == []


def test_failure_is_reported_in_words(qtbot, catalogue_path, tmp_path):
    worker = ExportWorker(catalogue_path, tmp_path / "nope" / "out.csv", Filters(), None, False)
    failures = []
    worker.failed.connect(failures.append)
    run_worker(qtbot, worker)
    assert len(failures) == 1 and "nope" in failures[0]
