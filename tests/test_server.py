"""`classroom serve` as a school runs it: the real server, started as in production."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import (  # noqa: E402
    HOST,
    ROOT,
    Server,
    classroom_command,
    free_port,
    http_get_once,
    server_env,
    setup_database,
)

CONNECTIONS = 80


def _sockets_of(pid: int) -> int:
    count = 0
    for entry in os.scandir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(entry.path).startswith("socket:")
        except OSError:
            pass  # closed meanwhile
    return count


def _kept_alive(port: int) -> socket.socket:
    """A connection that asked for /healthz and stays open, as a browser's does."""
    sock = socket.create_connection((HOST, port), timeout=10)
    sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection"
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    return sock


@pytest.mark.skipif(sys.platform != "linux", reason="counts each worker's sockets in /proc")
def test_a_class_arriving_at_once_is_shared_among_the_workers(tmp_path: Path):
    # Workers that share one listening socket hand nearly every new connection to the
    # same one (the kernel wakes the latest waiter first), and a browser keeps its
    # connection: one worker would serve the whole class on one core.
    db = tmp_path / "classroom.sqlite"
    setup_database(db)
    with Server(db, tmp_path / "server.log", workers=2, threads=2) as server:
        server.wait_ready()
        workers = [pid for pid in server.group_pids() if pid != server.pid]
        assert len(workers) == 2
        before = {pid: _sockets_of(pid) for pid in workers}
        connections = [_kept_alive(server.port) for _ in range(CONNECTIONS)]
        try:
            time.sleep(0.2)  # every connection accepted and back in its worker's poller
            taken = {pid: _sockets_of(pid) - before[pid] for pid in workers}
        finally:
            for sock in connections:
                sock.close()

    # Shared by a hash of each connection's address: 80 split no worse than 20 to 60
    # but about once in 400,000 runs.
    assert min(taken.values()) >= CONNECTIONS // 4, taken


def test_a_second_server_on_the_same_port_is_refused_and_the_first_keeps_serving(
    tmp_path: Path,
):
    # Sockets shared by port would let a second server take half of the first one's
    # students, each writing to its own database.
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    setup_database(first)
    setup_database(second)
    with Server(first, tmp_path / "first.log") as server:
        server.wait_ready()
        try:
            refused = subprocess.run(
                [*classroom_command(), "serve", "--host", HOST, "--port", str(server.port)],
                env=server_env(second),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("the second server started instead of refusing")

        assert refused.returncode == 1
        assert f"cannot serve on {HOST}:{server.port}" in refused.stderr
        assert "Another server is listening there" in refused.stderr
        assert "Serving classroom" not in refused.stdout
        assert http_get_once(server.port, "/healthz") == 200


def _serve(tmp_path: Path, host: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*classroom_command(), "serve", "--host", host, "--port", "49703"],
        env=server_env(tmp_path / "classroom.sqlite"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("host", ["999.1.1.1", "no-such-host.invalid"])
def test_a_host_that_is_no_address_is_named_not_blamed_on_another_server(tmp_path, host):
    refused = _serve(tmp_path, host)

    assert refused.returncode == 1
    assert f"cannot serve on {host}:49703" in refused.stderr
    assert f"{host} is neither an IP address nor a name this machine can look up" in (
        refused.stderr
    )
    assert "Check --host" in refused.stderr
    assert "Another server" not in refused.stderr
    assert not (tmp_path / "classroom.sqlite").exists()


def test_an_address_this_machine_does_not_have_is_named(tmp_path):
    # An address set aside for documentation: no machine has it.
    refused = _serve(tmp_path, "192.0.2.1")

    assert refused.returncode == 1
    assert "cannot serve on 192.0.2.1:49703" in refused.stderr
    assert "this machine has no address 192.0.2.1" in refused.stderr
    assert "Another server" not in refused.stderr


def test_the_development_server_serves_with_debug(tmp_path: Path):
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*classroom_command(), "serve", "--debug", "--host", HOST, "--port", str(port)],
            env=server_env(tmp_path / "classroom.sqlite"),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # the reloader's child is killed with it
        )
        try:
            deadline = time.monotonic() + 20
            while http_get_once(port, "/healthz") != 200:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
    shown = log.read_text()
    assert shown.count("Serving classroom on") == 1
    assert "Ignoring a call to 'app.run()'" not in shown
