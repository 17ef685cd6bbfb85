"""One copy of the program per data folder.

The copy that starts first on a data folder holds a lock file in it (`QLockFile`) for as long
as it runs, and listens on a local socket named after the folder. A second start on the same
folder finds the lock held: it asks the first copy, over that socket, to bring its window to
the front, and ends. Two copies writing into one folder would each keep their own automatic
backups and their own unsaved drafts there; one window is also what a person expects.

The lock belongs to a living process: a copy killed or stopped by a power cut leaves a lock
file whose process is gone, and the next start takes it over. Its age says nothing (the
program may run for days), so it is never judged stale by age alone.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import paths

#: The lock file, one per data folder (whatever the database in it is called).
LOCK_NAME = ".laoniangjiu-window.lock"
#: What the second start asks, and what the first answers once its window is in front.
SHOW = b"show\n"
SHOWN = b"ok\n"
#: How long the second start waits for the first one to answer (ms).
ANSWER_MS = 3000
#: The words when a copy is running but its window did not answer.
NOT_ANSWERING = (
    "老娘舅已经打开了（同一个数据文件夹只能打开一个老娘舅），但它的窗口没有回应。"
    "请在屏幕下方的任务栏上找到老娘舅的窗口，点一下它。"
    "如果找不到，请稍等半分钟再打开；还不行，请重新启动电脑。"
)
#: The words (for the console only) when the running copy's window came to the front.
BROUGHT_TO_FRONT = "老娘舅已经打开了，它的窗口已经换到了最前面。"


def lock_path(folder: Path) -> Path:
    return folder / LOCK_NAME


def server_name(folder: Path) -> str:
    """The local socket of the copy running on `folder`: one name per folder (and user)."""
    key = os.path.normcase(os.path.realpath(folder))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"laoniangjiu-{digest}"


class SingleCopy(QObject):
    """The claim of this copy of the program on a data folder.

    `claim()` takes the folder's lock (taking over one left by a copy that died) and starts
    listening; `show_requested` is emitted each time a later start asks for the window.
    `release()` lets the folder go.
    """

    show_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.lock = QLockFile(str(lock_path(folder)))
        # Stale only when the process that wrote it is gone (Qt checks its id and name).
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        self.held = False
        #: A show request arrived (also before anyone listened to `show_requested`).
        self.requests = 0

    def claim(self) -> bool:
        """True when this copy may run on the folder; False when another copy holds it.

        A folder that cannot be made or written is no reason to refuse: opening the database
        there says what is wrong in words.
        """
        try:
            paths.make_folder(self.folder)
        except OSError:
            return True
        if self.lock.tryLock(0):
            self.held = True
            self._listen()
            return True
        return self.lock.error() != QLockFile.LockError.LockFailedError

    def _listen(self) -> None:
        name = server_name(self.folder)
        # The lock is ours: a socket under this name was left by a copy that died.
        QLocalServer.removeServer(name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(name):
            return  # a later start then says the window did not answer; this one runs on
        server.newConnection.connect(self._connected)
        self.server = server

    def _connected(self) -> None:
        server = self.server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            if socket is None:
                break
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.canReadLine():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data())
            if line == SHOW:
                self.requests += 1
                self.show_requested.emit()
                socket.write(SHOWN)
                socket.flush()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.held:
            self.lock.unlock()
            self.held = False


def ask_running_copy(folder: Path, wait_ms: int = ANSWER_MS) -> bool:
    """Ask the copy running on `folder` to bring its window to the front; True when it
    answered that it did."""
    if sys.platform == "win32":
        _let_others_come_to_front()
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(wait_ms):
        return False
    try:
        socket.write(SHOW)
        if not socket.waitForBytesWritten(wait_ms):
            return False
        while not socket.canReadLine():
            if not socket.waitForReadyRead(wait_ms):
                return False
        return bytes(socket.readLine().data()) == SHOWN
    finally:
        socket.abort()


def _let_others_come_to_front() -> None:
    """Windows lets a program bring its window to the front only when the program in front
    allows it: this start is in front, and allows the running copy."""
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass
