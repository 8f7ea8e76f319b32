"""One window per data dir: a second launch hands its files to the running window and exits.

The running window listens on a local socket (a named pipe on Windows) named from the data dir
and the user; a later launch on the same data dir connects, sends what it was asked to open,
and exits. Both sides prove they hold the key in the data dir (a file only the user can read)
before anything is sent. Standard library only: the installers leave QtNetwork out.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFileOpenEvent

KEY_FILE = "instance.key"
_WINDOWS = sys.platform == "win32"
_FAMILY = "AF_PIPE" if _WINDOWS else "AF_UNIX"
_HAND_OFF_SECONDS = 5.0  # a running window that does not answer in this time is hung
_MAX_REQUEST_BYTES = 1 << 20
_REPLY = b"ok"
_BACKLOG = 16  # a file manager may start one Reader per file it opens, all at once

OpenItem = Path | str  # a file or folder, or a web address
Deliver = Callable[[list[OpenItem]], None]


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no name for this account
        return ""


def address(data_dir: Path) -> str:
    """Where the window on ``data_dir`` listens: short, per user, the same for every launch."""
    name = f"{_user()}\0{data_dir.resolve()}"
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    if _WINDOWS:
        return rf"\\.\pipe\reader-{digest}"
    # An AF_UNIX path has at most 104 bytes (macOS): the data dir itself may be longer.
    folder = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return os.path.join(folder, f"reader-{digest}.sock")


def _read_key(data_dir: Path) -> bytes | None:
    try:
        key = (data_dir / KEY_FILE).read_bytes().strip()
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _make_key(data_dir: Path) -> bytes:
    """The data dir's key, created (readable by the user only) if it has none."""
    key = _read_key(data_dir)
    if key is not None:
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    temporary = data_dir / f"{KEY_FILE}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    os.replace(temporary, data_dir / KEY_FILE)
    return key


def _encode(items: Sequence[OpenItem]) -> bytes:
    entries = [
        {"path": str(item.absolute())} if isinstance(item, Path) else {"url": item}
        for item in items
    ]
    return json.dumps({"open": entries}).encode("utf-8")


def _decode(data: bytes) -> list[OpenItem]:
    """The items of a request; raises ValueError for anything else."""
    message = json.loads(data.decode("utf-8"))
    items: list[OpenItem] = []
    for entry in message["open"]:
        if isinstance(entry.get("path"), str):
            items.append(Path(entry["path"]))
        elif isinstance(entry.get("url"), str):
            items.append(entry["url"])
        else:
            raise ValueError(f"not a file or an address: {entry!r}")
    return items


def hand_off(data_dir: Path, items: Sequence[OpenItem], timeout: float = _HAND_OFF_SECONDS) -> bool:
    """Give ``items`` (none: just show the window) to the window running on ``data_dir``.

    True if a running window took them; False if there is none (or it does not answer).
    Relative paths are made absolute here, where they were given.
    """
    key = _read_key(data_dir)
    where = address(data_dir)
    if key is None or (not _WINDOWS and not os.path.exists(where)):
        return False
    message = _encode(items)
    answer: list[bytes] = []

    def talk() -> None:
        with (
            contextlib.suppress(OSError, EOFError, AuthenticationError),
            Client(where, family=_FAMILY, authkey=key) as connection,
        ):
            connection.send_bytes(message)
            answer.append(connection.recv_bytes(16))

    # In a thread: Client has no timeout, and a hung window must not hang this launch too.
    thread = threading.Thread(target=talk, name="reader-hand-off", daemon=True)
    thread.start()
    thread.join(timeout)
    return answer == [_REPLY]


def _stale(where: str) -> bool:
    """True if nothing listens at the socket file ``where`` (left by a Reader that crashed)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(where)
    except (ConnectionRefusedError, FileNotFoundError):
        return True
    except OSError:
        return False
    finally:
        probe.close()
    return False


class InstanceServer:
    """Listens for later launches on the same data dir and passes on what they ask to open.

    ``deliver`` is called in the listening thread; see OpenRequests for getting to the GUI.
    """

    def __init__(self, listener: Listener, where: str, key: bytes, deliver: Deliver) -> None:
        self.address = where
        self._listener = listener
        self._key = key
        self._deliver = deliver
        self._closing = False
        self._thread = threading.Thread(target=self._serve, name="reader-instance", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, data_dir: Path, deliver: Deliver) -> InstanceServer | None:
        """Listen for the window on ``data_dir``; None if another window already listens (or
        the key cannot be written: a read-only data dir)."""
        try:
            key = _make_key(data_dir)
        except OSError:
            return None
        where = address(data_dir)
        for attempt in range(2):
            try:
                listener = Listener(where, family=_FAMILY, backlog=_BACKLOG, authkey=key)
            except OSError:
                if _WINDOWS or attempt or not _stale(where):
                    return None
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(where)  # left by a Reader that crashed: nobody listens there
            else:
                return cls(listener, where, key, deliver)
        return None

    def _serve(self) -> None:
        while not self._closing:
            try:
                connection = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):
                if self._closing:
                    return
                time.sleep(0.05)  # a client that failed the handshake, or went away
                continue
            with connection:
                if self._closing:
                    return
                try:
                    items = _decode(connection.recv_bytes(_MAX_REQUEST_BYTES))
                except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
                    continue
                self._deliver(items)
                with contextlib.suppress(OSError):
                    connection.send_bytes(_REPLY)

    def close(self) -> None:
        """Stop listening (removes the socket file)."""
        self._closing = True
        # accept() cannot be interrupted portably: wake it with a connection that says nothing
        # (the handshake then fails, and the thread sees it is closing).
        with contextlib.suppress(OSError):
            if _WINDOWS:
                open(self.address, "rb").close()
            else:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as poke:
                    poke.settimeout(1.0)
                    poke.connect(self.address)
        self._thread.join(2.0)
        self._listener.close()


class OpenRequests(QObject):
    """What Reader is asked to open, from later launches (any thread) and from the system's
    FileOpen events (macOS: a file opened with Reader in the Finder or dropped on its icon).

    Requests wait until a receiver is set, then reach it in the GUI thread.
    """

    _arrived = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self._receiver: Deliver | None = None
        self._waiting: list[list[OpenItem]] = []
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)

    def deliver(self, items: list[OpenItem]) -> None:
        """Pass on a request (from any thread)."""
        self._arrived.emit(items)

    def set_receiver(self, receiver: Deliver) -> None:
        """Where requests go from now on (the window); those that came before go there now."""
        self._receiver = receiver
        waiting, self._waiting = self._waiting, []
        for items in waiting:
            receiver(items)

    @Slot(list)
    def _on_arrived(self, items: list[OpenItem]) -> None:
        if self._receiver is None:
            self._waiting.append(items)
        else:
            self._receiver(items)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            url = event.url()
            local = url.isLocalFile() or not url.scheme()
            self.deliver([Path(event.file()) if local else url.toString()])
            return True
        return super().eventFilter(watched, event)
