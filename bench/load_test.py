"""Bounded load on loopback: concurrent clients against POST /v1/assess and the case registry.

    .venv/bin/python bench/load_test.py [--clients 8] [--seconds 10] [--db URL]

Starts a real uvicorn server (one process, as `oligoguide serve` runs) on 127.0.0.1 in a
subprocess, with the rate limit raised (it is a per-client protection, and every client here
comes from 127.0.0.1), then runs two phases of `--seconds` each with `--clients` threads:
  assess    POST /v1/assess of the example case (stateless compute)
  registry  POST /v1/cases (create + assess + store) mixed with GET /v1/cases/{id}, 1:1
It prints throughput, p50/p99 latency and errors per phase, and checks that every acknowledged
create is readable afterwards (no lost write). Only 127.0.0.1; bounded in time and count.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
EXAMPLE = json.loads((HERE.parent / "examples" / "crc_oligoprogression.json").read_text())
MAX_REQUESTS_PER_CLIENT = 5_000
RUN = f"{os.getpid()}-{int(time.time())}"  # case ids unique per run, so --db can be reused


def app_factory() -> Any:
    """uvicorn --factory entry: the real app, settings from OLIGOGUIDE_BENCH_DB, the start-up
    heap frozen as `oligoguide serve` does."""
    from oligoguide.service import Settings
    from oligoguide.service.launch import build_app

    lane = os.environ.get("OLIGOGUIDE_BENCH_COMPUTE_THREADS")  # unset: the service's default
    app, _registry = build_app(
        Settings(
            db_url=os.environ["OLIGOGUIDE_BENCH_DB"],
            rate_limit_per_minute=10_000_000,
            **({"compute_threads": int(lane)} if lane else {}),
        )
    )
    try:
        from oligoguide.service.app import freeze_start_up_heap
    except ImportError:  # a version before it (A/B runs against an older checkout)
        pass
    else:
        freeze_start_up_heap()
    if os.environ.get("OLIGOGUIDE_BENCH_GC_LOG"):
        record_gc_pauses(Path(os.environ["OLIGOGUIDE_BENCH_GC_LOG"]))
    return app


def record_gc_pauses(path: Path) -> None:
    """Append a line per garbage collection to `path`: end time (time.perf_counter, the
    system-wide monotonic clock on Linux, so the load generator can place it in its levels),
    generation and pause in seconds."""
    out = path.open("a", buffering=1)
    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            started[0] = now
        else:
            out.write(f"{now:.6f} {info['generation']} {now - started[0]:.6f}\n")

    gc.callbacks.append(callback)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db: str, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn on 127.0.0.1 in a subprocess; `workers` > 1: that many server processes under
    uvicorn's supervisor (what `uvicorn --workers` runs; `oligoguide serve` runs one)."""
    port = _port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "load_test:app_factory"]
    command += ["--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    env = {**os.environ, "OLIGOGUIDE_BENCH_DB": db}
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start")


class Phase:
    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.acked: list[str] = []
        self.lock = threading.Lock()
        self.elapsed = 0.0

    def report(self) -> str:
        done = len(self.latencies)
        q = statistics.quantiles(self.latencies, n=100) if done > 1 else [0.0] * 99
        return (
            f"{self.name:9s} requests {done:6d}  {done / self.elapsed:7.1f} req/s  "
            f"p50 {q[49] * 1000:7.1f} ms  p99 {q[98] * 1000:7.1f} ms  errors {len(self.errors)}"
        )


def run_phase(
    phase: Phase,
    url: str,
    clients: int,
    seconds: float,
    step: Callable[[httpx.Client, int, int], str | None],
    headers: dict[str, str] | None = None,
) -> None:
    stop_at = time.monotonic() + seconds

    def client_loop(n: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= stop_at:
                    return
                started = time.perf_counter()
                try:
                    acked = step(client, n, i)
                except Exception as error:  # counted, not raised: the run goes on
                    with phase.lock:
                        phase.errors.append(f"{type(error).__name__}: {error}")
                    continue
                with phase.lock:
                    phase.latencies.append(time.perf_counter() - started)
                    if acked:
                        phase.acked.append(acked)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.elapsed = time.monotonic() - began


def assess_step(client: httpx.Client, n: int, i: int) -> str | None:
    response = client.post("/v1/assess", json=EXAMPLE)
    if response.status_code != 200:
        raise RuntimeError(f"assess {response.status_code}")
    return None


def registry_step(client: httpx.Client, n: int, i: int) -> str | None:
    if i % 2 == 0:
        case = copy.deepcopy(EXAMPLE)
        case["case_id"] = f"load-{RUN}-{n}-{i}"
        response = client.post("/v1/cases", json=case)
        if response.status_code != 201:
            raise RuntimeError(f"create {response.status_code}")
        return str(case["case_id"])
    response = client.get(f"/v1/cases/load-{RUN}-{n}-{i - 1}")
    if response.status_code != 200:
        raise RuntimeError(f"read {response.status_code}")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 120:
        raise SystemExit("keep it bounded: 1-64 clients, at most 120 s per phase")
    folder = tempfile.mkdtemp(prefix="oligoguide-load-")
    db = args.db or f"sqlite:///{folder}/registry.sqlite3"
    process, url = start_server(db)
    try:
        phases = [Phase("assess"), Phase("registry")]
        run_phase(phases[0], url, args.clients, args.seconds, assess_step)
        run_phase(phases[1], url, args.clients, args.seconds, registry_step)
        with httpx.Client(base_url=url, timeout=60) as client:
            lost = [c for c in phases[1].acked if client.get(f"/v1/cases/{c}").status_code != 200]
    finally:
        process.terminate()
        process.wait(timeout=30)
    backend = db.split(":")[0]
    print(f"oligoguide load test: {args.clients} clients, {args.seconds:g} s/phase, {backend}")
    for phase in phases:
        print(phase.report())
        for error in sorted(set(phase.errors))[:5]:
            print(f"    error: {error}")
    print(f"registry: {len(phases[1].acked)} creates acknowledged, {len(lost)} lost")
    if lost or any(p.errors for p in phases):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
