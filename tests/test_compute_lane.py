"""The compute lane runs the CPU-bound work of assess and ask in turn, in its own threads."""

from __future__ import annotations

import threading
import time

import anyio
import pytest
from pydantic import ValidationError

from oligoguide.service import Settings
from oligoguide.service.compute_lane import ComputeLane


def _most_at_once(threads: int, calls: int) -> int:
    lock = threading.Lock()
    running = 0
    most = 0

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    async def main() -> None:
        lane = ComputeLane(threads)
        async with anyio.create_task_group() as group:
            for _ in range(calls):
                group.start_soon(lane.run, work)

    anyio.run(main)
    return most


def test_one_thread_runs_the_calls_in_turn() -> None:
    assert _most_at_once(1, 6) == 1


def test_more_threads_run_that_many_at_once() -> None:
    assert _most_at_once(3, 6) == 3


def test_the_lane_returns_the_result_and_raises_the_error() -> None:
    async def main() -> tuple[int, str]:
        lane = ComputeLane(1)
        value = await lane.run(int, "42")
        try:
            await lane.run(int, "forty-two")
        except ValueError as error:
            return value, str(error)
        return value, ""

    value, message = anyio.run(main)
    assert value == 42
    assert "forty-two" in message


def test_zero_threads_runs_in_the_event_loop() -> None:
    async def main() -> tuple[int, int]:
        return threading.get_ident(), await ComputeLane(0).run(threading.get_ident)

    loop_thread, ran_in = anyio.run(main)
    assert ran_in == loop_thread


def test_one_thread_runs_outside_the_event_loop() -> None:
    async def main() -> tuple[int, int]:
        return threading.get_ident(), await ComputeLane(1).run(threading.get_ident)

    loop_thread, ran_in = anyio.run(main)
    assert ran_in != loop_thread


def test_compute_threads_setting_is_bounded() -> None:
    assert Settings().compute_threads == 1
    assert Settings(compute_threads=0).compute_threads == 0
    with pytest.raises(ValidationError, match="compute_threads"):
        Settings(compute_threads=-1)
    with pytest.raises(ValidationError, match="compute_threads"):
        Settings(compute_threads=33)
