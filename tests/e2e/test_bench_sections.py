"""The in-process and classroom sections of ``make bench`` run and report (tiny samples; the
figures themselves are bench/'s business, never asserted here)."""

from __future__ import annotations

import pytest

from bench import classroom, inprocess


def test_the_in_process_comparison_runs() -> None:
    pytest.importorskip("moto")
    figures = inprocess.measure(samples=3)
    assert set(figures["median"]) == {case.name for case in inprocess.CASES}
    for by_system in figures["median"].values():
        assert set(by_system) == {"floor", "ami-emulator", "moto"}
    assert "| DescribeImages(ImageIds) |" in inprocess.markdown(figures)


def test_the_classroom_benchmark_runs() -> None:
    figures = classroom.measure(samples=3, worlds=5)
    assert figures["memory"]["classroom_world_bytes"] > 0
    assert set(figures["latency"]) == set(classroom.CALLS)
    assert "5 demo worlds in one server" in classroom.markdown(figures)
