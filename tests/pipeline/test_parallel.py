"""Analysing in worker processes gives what one process gives, reading position included."""

import logging
import multiprocessing
import os
import platform
import shutil
import signal
import threading
import time

import pytest

from app.paths import bundled_sources
from app.pipeline import workers
from app.pipeline.build import Layout, analyse, build_catalogue, content_digest
from app.pipeline.corpus import ReceivedDocument, read_corpus
from app.pipeline.organisations import OrganisationIndex
from app.pipeline.sources import discover

# Two organisations share "ICC": which one a bare "ICC" names depends on the definition read
# last, across documents too.
CHAMBER = "The International Chamber of Commerce (ICC) counts piracy cases. The ICC said so.\n"
COURT = "The International Criminal Court (ICC) opened a case. The ICC ruled.\n"
MENTION = "Japan and the ICC discussed piracy off Somalia in 2021.\n"


def report(title: str, body: str) -> str:
    return f"Diplomatic Bluebook 2022\n\nChapter 1 {title}\n\n{body}"


def test_read_past_moves_the_reading_position_as_find_does():
    sentences = (CHAMBER + MENTION + COURT + MENTION).split(". ")
    finding, reading = OrganisationIndex(curated=False), OrganisationIndex(curated=False)
    for sentence in sentences:
        finding.learn(sentence)
        reading.learn(sentence)
    positions = set()
    for sentence in sentences:
        finding.find(sentence)
        reading.read_past(sentence)
        assert reading.position() == finding.position()
        positions.add(tuple(reading.position().items()))
    assert len(positions) == 2  # ICC is the chamber, then the court


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)
def test_workers_give_the_results_of_one_process(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    (sources / "a-chamber.txt").write_text(report("Piracy", CHAMBER + MENTION), "utf-8")
    (sources / "b-mention.txt").write_text(report("Courts", MENTION), "utf-8")
    (sources / "c-court.txt").write_text(report("Justice", COURT + MENTION), "utf-8")
    (sources / "d-mention.txt").write_text(report("Again", MENTION), "utf-8")

    def analysed(processes: int) -> list:
        results, index = analyse(discover(sources), lambda *a: None, lambda: False, processes)
        records = [(r.source.id, r.parsed.headings, r.source.warnings, r.records) for r in results]
        return [records, index.organisations(), index.position()]

    one = analysed(1)
    assert one == analysed(2)
    mentions = [
        [m.id for record in records for m in record.organisations if m.text == "ICC"]
        for doc_id, _, _, records in one[0]
        if doc_id.endswith("mention")
    ]
    assert mentions == [["icc"], ["icc-2"]]  # b after the chamber, d after the court


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)
def test_a_service_named_without_parentheses_is_learnt_in_workers_too(tmp_path):
    # Workers look for definitions only in pieces that may hold one: before services, only
    # those with a "(".
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a-named.txt").write_text(
        report("Seas", "Japan trained the Vietnam Coast Guard in 2021.\n"), "utf-8"
    )
    (sources / "b-again.txt").write_text(
        report("More seas", "The Vietnam Coast Guard received two vessels.\n"), "utf-8"
    )

    def linked(processes: int) -> list:
        results, _ = analyse(discover(sources), lambda *a: None, lambda: False, processes)
        return [[m.id for r in result.records for m in r.organisations] for result in results]

    assert linked(1) == linked(2) == [["vietnam-coast-guard"], ["vietnam-coast-guard"]]


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)
def test_pieces_read_in_workers_are_those_of_one_process():
    def read(processes: int):
        return read_corpus(discover(bundled_sources()), lambda *a: None, lambda: False, processes)

    one, two = read(1), read(2)
    Layout.of(two)  # numbers the entries: counts the pieces without making them
    assert all(isinstance(doc, ReceivedDocument) and doc._rows for doc in two.parsed)
    for alone, received in zip(one.parsed, two.parsed, strict=True):
        assert received.piece_count() == alone.piece_count() == len(alone.pieces)
        spans = [received.span(i) for i in range(received.piece_count())]
        assert spans == [(piece.start, piece.end) for piece in alone.pieces]
        assert received.pieces == alone.pieces
        assert received.span(0) == alone.span(0)  # once made, from the pieces
    assert two.positions == one.positions


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)
def test_a_build_in_workers_writes_what_one_process_writes(tmp_path, monkeypatch):
    """Workers extract documents and build their rows while the parent writes those done."""
    sources = tmp_path / "sources"
    shutil.copytree(bundled_sources(), sources)
    (sources / "a-chamber.txt").write_text(report("Piracy", CHAMBER + MENTION), "utf-8")
    (sources / "b-mention.txt").write_text(report("Courts", MENTION), "utf-8")
    one = build_catalogue(sources, tmp_path / "one.db")
    monkeypatch.setattr(workers, "processes_for", lambda texts: 2)
    two = build_catalogue(sources, tmp_path / "two.db")
    assert content_digest(tmp_path / "two.db") == content_digest(tmp_path / "one.db")
    assert two.lines()[1:] == one.lines()[1:]  # the first line tells the time taken


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork"
)
def test_workers_are_gone_once_their_results_are_read():
    # A later pool (the build's frequent words) then forks a process without their threads.
    with workers.in_order(lambda number: number * 2, 5, 2) as done:
        assert list(done) == [0, 2, 4, 6, 8]
        assert multiprocessing.active_children() == []


def _dies_at_two(number: int) -> int:
    if number == 2:
        os._exit(9)  # as a worker the system kills for memory: no exception, no result
    return number


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork"
)
def test_a_worker_that_dies_stops_the_work_instead_of_hanging():
    stops_instead_of_hanging(_dies_at_two, "exit code 9")


def stops_instead_of_hanging(step, message: str) -> None:
    """The work stops with WorkerDied; a pool left waiting would hang it until the alarm."""
    signal.alarm(30)
    try:
        with pytest.raises(workers.WorkerDied, match=message):
            with workers.in_order(step, 6, 2) as done:
                list(done)
    finally:
        signal.alarm(0)
    assert multiprocessing.active_children() == []


class _Unreadable:
    """Pickles in a worker; unpickling it in the parent raises, as an exception class with
    required arguments of its own does."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise TypeError("cannot be rebuilt here")


def _unreadable_at_one(number: int) -> object:
    return _Unreadable() if number == 1 else number


_first_result_received = multiprocessing.Event()  # the workers are forked with it


def _unreadable_once_zero_is_received(number: int) -> object:
    # Result 1 sent first would end the receiving thread before result 0 is read, and the
    # build would stop with WorkerDied before its own error (seen on a loaded machine).
    if number == 1:
        _first_result_received.wait(20)
    return _unreadable_at_one(number)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork"
)
def test_a_result_that_cannot_be_read_back_stops_the_work_instead_of_hanging():
    # The pool's thread that receives results ends, and nothing else would wake the build. Its
    # exception is the build's error, not a traceback printed from that thread (which pytest
    # would turn into a warning, and the warning into a failure).
    stops_instead_of_hanging(
        _unreadable_at_one, r"could not be read back \(TypeError: cannot be rebuilt here\)"
    )


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork"
)
def test_a_build_stopped_after_a_result_could_not_be_read_back_keeps_its_own_error():
    # Before: the pool's teardown raised "AssertionError: Cannot have cache with
    # result_handler not alive" in place of the build's error, and the unreadable result was
    # only printed, by the dying thread. Now it is in the log.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append
    logger = logging.getLogger(workers.__name__)
    logger.addHandler(handler)
    _first_result_received.clear()
    signal.alarm(30)
    try:
        with pytest.raises(RuntimeError, match="its own reason"):
            with workers.in_order(_unreadable_once_zero_is_received, 6, 2) as done:
                for _ in done:
                    _first_result_received.set()
                    deadline = time.monotonic() + 10
                    # Meanwhile result 1 ends the receiving thread.
                    while (not records or receiving_threads()) and time.monotonic() < deadline:
                        time.sleep(0.01)
                    raise RuntimeError("the build stopped for its own reason")
    finally:
        signal.alarm(0)
        logger.removeHandler(handler)
    assert [record.getMessage() for record in records] == [
        "a worker's result could not be read back"
    ]
    assert "cannot be rebuilt here" in str(records[0].exc_info[1])
    assert multiprocessing.active_children() == []


def receiving_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if "_handle_results" in thread.name]


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork"
)
def test_workers_keep_the_memory_they_free_where_the_c_library_is_glibc():
    expected = platform.libc_ver()[0] == "glibc"
    with workers.in_order(lambda number: workers.freed_memory_kept, 2, 2) as done:
        assert list(done) == [expected, expected]
    assert workers.freed_memory_kept is False  # this process is not a worker: untouched
