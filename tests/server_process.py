"""A real `oligoguide serve` in a subprocess on 127.0.0.1, for tests that must kill it.

The server's stdout and stderr go to files in the test's folder (read them with `.output()`);
`stop()` ends it (SIGTERM, then SIGKILL) and `kill9()` ends it at once, as a power cut or the
OOM killer would. Every server started here is stopped when its block exits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def oligoguide_command() -> list[str]:
    """The `oligoguide` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("oligoguide")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from oligoguide.cli import main; main()"]


class ServerProcess:
    def __init__(self, args: list[str], folder: Path, env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = folder / f"server-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            # --no-token-local-demo: these tests exercise local mode (no token) themselves;
            # the one-time token of a plain `serve` is tested in tests/test_serve_token.py
            [
                *oligoguide_command(),
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--no-token-local-demo",
                *args,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout} s: {self.output()}")

    def kill9(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._log.close()

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(
    args: list[str], folder: Path, env: Mapping[str, str] | None = None, ready: bool = True
) -> Iterator[ServerProcess]:
    server = ServerProcess(args, folder, env)
    try:
        if ready:
            server.wait_ready()
        yield server
    finally:
        server.stop()
