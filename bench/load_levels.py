"""Latency of POST /v1/assess at fixed fractions of the measured maximum throughput.

    .venv/bin/python bench/load_levels.py [--rounds 1] [--clients 8] [--max-seconds 10]
        [--seconds 20] [--levels 0.5,0.8] [--rates R,...] [--pool 64] [--auth token|local]
        [--client httpx|raw] [--workers 1] [--compute-threads N] [--pin] [--db URL]

One run, one server (a real uvicorn process on 127.0.0.1, started as `load_test.py` starts it:
the rate limit raised, SQLite in a fresh file unless --db names another registry, e.g.
"$OLIGOGUIDE_TEST_PG_URL"):
  max     closed loop: `--clients` threads, each sending its next request when the last one
          answered, for `--max-seconds`; throughput = answers / elapsed.
  NN%     open loop at NN% of that throughput for `--seconds`: request i is due at
          start + i / rate whatever happened before, and its latency is measured from that due
          time, not from when a client got round to sending it. A slow answer therefore counts
          the queue it caused (no coordinated omission). A pool of `--pool` threads sends
          them; `late p99` is how late sends left after their due time (if it approaches the
          latencies, the load generator, not the server, is the bottleneck).
  N/s     `--rates`: the same open loop at fixed rates (compare two versions at one load).
`--rounds N` repeats max and levels N times on the same server (each round's levels from its
own maximum) and adds the median of every column over the rounds: the machine is shared, so
one round can meet a burst of someone else's work. CPU columns: CPU time of the server process
and of this load generator per answer (from /proc: Linux only). `oversleep p99`: how late a
1 ms sleep in a third process woke up (the machine's wait for a free CPU; tens of ms mean
other work competes for the cores, and every latency above includes such waits; a sleeper
is woken first, so a low value does not prove the cores were free: see the load average).
`full GCs`, `GC max ms`: the server's full garbage collections in the level and its longest
collection of any generation (recorded in the server by gc.callbacks, `load_test.py`).
Every request sends the example case; with `--auth token` (the default, as `oligoguide serve`
runs) a clinician token created beforehand, with `--auth local` none (local demo mode).
`--workers N`: N server processes (`uvicorn --workers`; the CPU columns add up the workers).
`--compute-threads N`: the server's compute lane with N threads (`serve --compute-threads`;
default the service's, 1; 40 is the size of the thread pool the route used before the lane).
`--pin`: the server on the last CPU and the load generator on the others (Linux), so that they
do not take turns on a core (other work on the machine still can).
`--client raw`: the load generator sends over keep-alive http.client connections instead of
httpx (`assess_clients.py`; about a third of httpx's CPU per request), for max and levels alike.
Only 127.0.0.1; bounded in time and count. Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from assess_clients import AssessClient, make_client
from load_test import MAX_REQUESTS_PER_CLIENT, assess_step, start_server

MAX_POOL = 256
MAX_SECONDS = 120


@dataclass
class Level:
    name: str
    rate: float  # requests per second asked for (0 for the closed-loop maximum)
    latencies: list[float] = field(default_factory=list)
    late: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0  # CPU seconds (user + system) of the server process in the level
    client_cpu: float = 0.0  # the same for this process, the load generator
    oversleep_p99: float = 0.0  # seconds: how late a 1 ms sleep in another process woke up
    full_gcs: int = 0  # full (generation 2) garbage collections in the server during the level
    gc_pause_max: float = 0.0  # seconds: the server's longest collection in the level

    def values(self) -> tuple[float, ...]:
        """target/s, done/s, answers, p50, p99, max, late p99 (ms), errors, CPU ms/answer,
        oversleep p99 (ms), full GCs, longest GC pause (ms)."""
        done = len(self.latencies)
        q = statistics.quantiles(self.latencies, n=100) if done > 1 else [0.0] * 99
        late = statistics.quantiles(self.late, n=100)[98] if len(self.late) > 1 else 0.0
        per = 1000 / max(done, 1)
        return (
            self.rate,
            done / self.elapsed,
            done,
            q[49] * 1000,
            q[98] * 1000,
            max(self.latencies, default=0.0) * 1000,
            late * 1000,
            len(self.errors),
            self.server_cpu * per,
            self.client_cpu * per,
            self.oversleep_p99 * 1000,
            self.full_gcs,
            self.gc_pause_max * 1000,
        )


def row(name: str, values: tuple[float, ...]) -> str:
    rate, done_s, done, p50, p99, worst, late, errors, server, client, oversleep, full, gc = values
    return (
        f"{name:>9s}  {rate:8.1f}  {done_s:6.1f}  {done:7.0f}  {p50:6.1f}  {p99:6.1f}  "
        f"{worst:6.1f}  {late:8.1f}  {errors:6.0f}  {server:17.2f}  {client:17.2f}  "
        f"{oversleep:13.1f}  {full:8.0f}  {gc:11.1f}"
    )


HEADER = (
    "    level  target/s  done/s  answers  p50 ms  p99 ms  max ms  late p99  errors  "
    "server CPU ms/req  client CPU ms/req  oversleep p99  full GCs  GC max ms"
)

# A process of its own that sleeps 1 ms again and again until its stdin closes, then prints
# the 99th percentile of how late it woke (seconds): the wait for a CPU on this machine, which
# the server's requests meet too. High values: other work on the machine, not the service.
PROBE = """
import statistics, sys, threading, time
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
late = []
while not done.is_set():
    start = time.perf_counter()
    time.sleep(0.001)
    late.append(time.perf_counter() - start - 0.001)
print(statistics.quantiles(late, n=100)[98] if len(late) > 1 else 0.0)
"""


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of a process (default: this one) and of its children still
    running (uvicorn's worker processes under --workers), from /proc on Linux."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pin_apart(server_pid: int) -> None:
    """The server's threads on the last CPU, this process (and the threads and probe it starts
    later) on the others: the two no longer take turns on a core, so what remains in the
    latencies is the server itself and any other work on the machine."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs at least 2 CPUs")
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpus[-1]})
    os.sched_setaffinity(0, set(cpus[:-1]))


@contextmanager
def measured(level: Level, server_pid: int, gc_log: Path | None = None) -> Iterator[None]:
    """CPU time of the server and of this process over the level; the machine's wake-up lag;
    the server's garbage collections in the level (from the log `load_test.record_gc_pauses`
    writes)."""
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    server, client = cpu_seconds(server_pid), cpu_seconds()
    began = time.perf_counter()
    try:
        yield
    finally:
        ended = time.perf_counter()
        level.server_cpu = cpu_seconds(server_pid) - server
        level.client_cpu = cpu_seconds() - client
        output, _ = probe.communicate(timeout=30)
        level.oversleep_p99 = float(output.strip() or 0.0)
        if gc_log is not None:
            pauses = gc_pauses(gc_log, began, ended)
            level.full_gcs = sum(1 for generation, _ in pauses if generation == 2)
            level.gc_pause_max = max((pause for _, pause in pauses), default=0.0)


def gc_pauses(log: Path, began: float, ended: float) -> list[tuple[int, float]]:
    """(generation, pause seconds) of the server's collections that ended in [began, ended]."""
    if not log.exists():
        return []
    found = []
    for line in log.read_text().splitlines():
        when, generation, pause = line.split()
        if began <= float(when) <= ended:
            found.append((int(generation), float(pause)))
    return found


def closed_loop(clients: list[AssessClient], level: Level, seconds: float) -> None:
    """Each client's thread sends its next request when its last one answered, for `seconds`
    (bounded by MAX_REQUESTS_PER_CLIENT); latency from its own send."""
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(client: AssessClient) -> None:
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                started = time.perf_counter()
                if started >= stop_at:
                    return
                if not _assess_once(client, level, lock):
                    continue
                with lock:
                    level.latencies.append(time.perf_counter() - started)
        finally:
            client.close()

    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    level.elapsed = time.perf_counter() - began


def _assess_once(client: AssessClient, level: Level, lock: threading.Lock) -> bool:
    """One request; a failure is counted in the level, not raised, so the run goes on."""
    try:
        status = client.assess()
        if status != 200:
            raise RuntimeError(f"assess {status}")
    except Exception as error:  # counted, whatever it is
        with lock:
            level.errors.append(f"{type(error).__name__}: {error}")
        return False
    return True


def open_loop(clients: list[AssessClient], level: Level, seconds: float) -> None:
    """Requests due at a constant rate, one sender thread per client; latency from the due
    time (queueing included). The clients are made beforehand: making one (its SSL context)
    costs milliseconds of CPU, and 64 at once would delay the first second of sends."""
    total = int(level.rate * seconds)
    interval = 1.0 / level.rate
    lock = threading.Lock()
    next_index = 0
    start = time.perf_counter() + 0.2  # every thread is up before the first due time

    def sender(client: AssessClient) -> None:
        nonlocal next_index
        try:
            while True:
                with lock:
                    index = next_index
                    next_index += 1
                if index >= total:
                    return
                due = start + index * interval
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                sent = time.perf_counter()
                if not _assess_once(client, level, lock):
                    continue
                done = time.perf_counter()
                with lock:
                    level.latencies.append(done - due)
                    level.late.append(max(0.0, sent - due))
        finally:
            client.close()

    threads = [threading.Thread(target=sender, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    level.elapsed = time.perf_counter() - start


def token_for(db: str) -> str:
    from oligoguide.store import Registry

    with Registry.open(db) as registry:
        return registry.create_token(f"bench-{time.time_ns()}", "clinician", actor="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="max and levels, repeated")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop clients (max)")
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=20.0, help="per open-loop level")
    parser.add_argument("--levels", default="0.5,0.8", help="fractions of the maximum")
    parser.add_argument("--rates", default="", help="also open loop at these requests/s")
    parser.add_argument("--pool", type=int, default=64, help="open-loop sender threads")
    parser.add_argument("--auth", choices=("token", "local"), default="token")
    parser.add_argument(
        "--client",
        choices=("httpx", "raw"),
        default="httpx",
        help="load generator: httpx clients, or lighter keep-alive http.client connections",
    )
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (serve runs one; 1-4)"
    )
    parser.add_argument(
        "--compute-threads",
        type=int,
        default=None,
        help="threads of the server's compute lane (default: the service's, 1; 0: in the "
        "event loop; up to 40)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="server on the last CPU, this load generator on the others (Linux; 2+ CPUs)",
    )
    args = parser.parse_args()
    fractions = [float(part) for part in args.levels.split(",") if part.strip()]
    rates = [float(part) for part in args.rates.split(",") if part.strip()]
    if (
        not 1 <= args.rounds <= 10
        or not 1 <= args.clients <= 64
        or not 1 <= args.pool <= MAX_POOL
        or not 1 <= args.workers <= 4
        or not 0 <= (1 if args.compute_threads is None else args.compute_threads) <= 40
        or (args.pin and args.workers > 1)
        or not 0 < args.max_seconds <= MAX_SECONDS
        or not 0 < args.seconds <= MAX_SECONDS
        or not all(0 < f <= 1.5 for f in fractions)
        or not all(0 < r <= 2000 for r in rates)
    ):
        raise SystemExit(
            "keep it bounded: 1-10 rounds, 1-64 clients, 1-256 senders, 1-4 workers, "
            "0-40 compute threads, --pin with one worker, 120 s, "
            "levels <= 1.5, rates <= 2000/s"
        )
    folder = tempfile.mkdtemp(prefix="oligoguide-levels-")
    db = args.db or f"sqlite:///{folder}/registry.sqlite3"
    headers = {"Authorization": f"Bearer {token_for(db)}"} if args.auth == "token" else {}
    gc_log = Path(folder) / "gc.log"
    os.environ["OLIGOGUIDE_BENCH_GC_LOG"] = str(gc_log)  # the server records its collections
    if args.compute_threads is not None:
        os.environ["OLIGOGUIDE_BENCH_COMPUTE_THREADS"] = str(args.compute_threads)
    process, url = start_server(db, args.workers)
    if args.pin:
        pin_apart(process.pid)
    rounds: list[list[Level]] = []
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            for _ in range(20):  # warm-up: imports, caches, first connections
                assess_step(client, 0, 0)
        for _ in range(args.rounds):
            rounds.append(run_round(url, headers, process.pid, gc_log, fractions, rates, args))
    finally:
        process.terminate()
        process.wait(timeout=30)
    backend = db.split(":")[0]
    print(
        f"oligoguide assess at fixed load: {backend}, auth {args.auth}, {args.client} "
        f"clients, {args.workers} server process(es); max: {args.clients} "
        f"closed-loop clients for {args.max_seconds:g} s; levels: open loop, "
        f"{args.seconds:g} s each, {args.pool} senders; {args.rounds} round(s)"
    )
    print(HEADER)
    for number, levels in enumerate(rounds, 1):
        for level in levels:
            label = level.name if args.rounds == 1 else f"{number}:{level.name}"
            print(row(label, level.values()))
            for error in sorted(set(level.errors))[:5]:
                print(f"    error: {error}")
    if args.rounds > 1:
        for index, level in enumerate(rounds[0]):
            columns = zip(*(levels[index].values() for levels in rounds), strict=True)
            print(row(f"median {level.name}", tuple(statistics.median(c) for c in columns)))
    if any(level.errors for levels in rounds for level in levels):
        raise SystemExit(1)


def run_round(
    url: str,
    headers: dict[str, str],
    pid: int,
    gc_log: Path,
    fractions: list[float],
    rates: list[float],
    args: argparse.Namespace,
) -> list[Level]:
    """The closed-loop maximum, then each open-loop level at its fraction of that maximum, then
    the fixed rates."""
    first = Level("max", 0.0)
    clients = [make_client(args.client, url, headers) for _ in range(args.clients)]
    with measured(first, pid, gc_log):
        closed_loop(clients, first, args.max_seconds)
    maximum = len(first.latencies) / first.elapsed
    levels = [Level(f"{f:.0%}", f * maximum) for f in fractions]
    levels += [Level(f"{r:g}/s", r) for r in rates]
    for level in levels:
        clients = [make_client(args.client, url, headers) for _ in range(args.pool)]
        with measured(level, pid, gc_log):
            open_loop(clients, level, args.seconds)
    return [first, *levels]


if __name__ == "__main__":
    main()
