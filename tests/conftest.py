"""Shared fixtures: a catalogue built once from the bundled sources for the whole run."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.paths import bundled_sources  # noqa: E402


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(catalogue path, build report) of a fresh build of data/sources."""
    from app.pipeline.build import build_catalogue

    out = tmp_path_factory.mktemp("catalogue") / "catalogue.db"
    report = build_catalogue(bundled_sources(), out)
    return out, report


@pytest.fixture(scope="session")
def catalogue_path(built):
    return built[0]


@pytest.fixture()
def catalogue(catalogue_path):
    from app.query.catalogue import Catalogue

    with Catalogue(catalogue_path) as opened:
        yield opened


QUALITY = pytest.StashKey[list]()


@pytest.fixture()
def quality_lines(pytestconfig):
    """Lines the quality tests want printed at the end of the run (precision and recall)."""
    return pytestconfig.stash.setdefault(QUALITY, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(QUALITY, [])
    if lines:
        terminalreporter.section("extraction quality against tests/annotations")
        for line in lines:
            terminalreporter.write_line(line)
