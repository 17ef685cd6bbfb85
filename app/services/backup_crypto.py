"""The encrypted backup file: the whole archive under AES-256-GCM, with the key made from the
password by Argon2id.

The file, in order::

    MAGIC                     8 bytes
    header length             4 bytes, big-endian
    header                    JSON: cipher, KDF and its parameters, salt, nonce prefix, chunk
                              size, and a check value made from the key
    SHA-256 of the above      32 bytes
    chunks                    AES-GCM of each chunk of the archive (chunk size + 16-byte tag)

The archive is encrypted in chunks so memory stays bounded whatever the size of the database
and its attachments. Each chunk's nonce is the file's random prefix, the chunk's number and
whether it is the last one (the STREAM construction), and every chunk authenticates the whole
header: chunks swapped, a file cut short at a chunk's end, anything appended or any header
value changed all fail the tag.

The header's own SHA-256 tells a damaged header from a wrong password, and the check value (an
HMAC under the key) tells a wrong password from damaged chunks: the person hears which it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.domain.errors import UserError

MAGIC = b"LNJBAK\x00\x01"
#: A script or a test gives the password here instead of typing it (see docs/backup.md).
PASSWORD_ENV = "LAONIANGJIU_BACKUP_PASSWORD"
CIPHER = "AES-256-GCM"
KDF = "argon2id"
#: RFC 9106's second recommended setting: 64 MiB of memory, three passes, four lanes. About a
#: quarter of a second on an office PC, and every password guess costs an attacker the same.
TIME_COST = 3
MEMORY_KIB = 64 * 1024
PARALLELISM = 4
#: A chunk of the archive encrypted at once: memory stays at a few MiB however big the file.
CHUNK = 1024 * 1024
TAG = 16
SALT_BYTES = 16
PREFIX_BYTES = 7
_DIGEST = 32
_CHECK_LABEL = b"laoniangjiu backup password check"
#: What a header may ask for: a crafted file must not make the program use gigabytes.
_LIMITS = {
    "time_cost": (1, 16),
    "memory_kib": (8 * 1024, 1024 * 1024),
    "parallelism": (1, 16),
    "chunk": (4 * 1024, 16 * 1024 * 1024),
}
_MAX_HEADER = 4096

#: Shown before a password is chosen and beside every encrypted backup made.
LOST_PASSWORD_WARNING = (
    "请牢记这个密码：加密的备份只有用这个密码才能恢复。密码忘记了，谁也打不开这份备份"
    "（程序的维护人员也不能），里面的案件就找不回来了。"
    "请把密码写在纸上，和U盘分开、锁在安全的地方。"
)
DAMAGED = (
    "备份文件不完整或已损坏，不能用它恢复；当前的数据库没有任何改动。"
    "请换一份备份再试（例如更早的自动备份，或U盘上的另一份）。"
)


class BackupDamaged(UserError):
    """The backup file is cut short, changed or not a backup: nothing was done with it."""

    def __init__(self, message: str = DAMAGED) -> None:
        super().__init__(message)


class WrongPassword(UserError):
    """The password does not open this encrypted backup."""

    def __init__(self) -> None:
        super().__init__(
            "密码不对，这份加密的备份没有打开，什么也没有改动。"
            "请检查大小写、输入法（中文还是英文）和大写锁定键后再试。"
        )


@dataclass(frozen=True)
class Header:
    """What the header of an encrypted backup says, and its bytes (authenticated by every
    chunk)."""

    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes
    prefix: bytes
    chunk: int
    check: bytes
    raw: bytes

    def derive(self, password: str) -> bytes:
        """The key for `password`; WrongPassword when it is not this file's."""
        key = derive_key(password, self.salt, self.time_cost, self.memory_kib, self.parallelism)
        if not hmac.compare_digest(_check_value(key), self.check):
            raise WrongPassword
        return key


def derive_key(
    password: str,
    salt: bytes,
    time_cost: int = TIME_COST,
    memory_kib: int = MEMORY_KIB,
    parallelism: int = PARALLELISM,
) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    # The same password typed on another machine may come in another Unicode form.
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _check_value(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[:16]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def is_encrypted(path: Path) -> bool:
    """Whether `path` starts like an encrypted backup (OSError if it cannot be read)."""
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


class EncryptingWriter:
    """A write-only stream that encrypts what it is given into `out`, chunk by chunk.

    It has no `tell` or `seek` on purpose: `zipfile` then writes the archive in one pass.
    `close` writes the last chunk (it does not close `out`). `plain_sha256` is the digest of
    everything written, to check the file once it is on disk.
    """

    def __init__(
        self,
        out: BinaryIO,
        password: str,
        *,
        time_cost: int = TIME_COST,
        memory_kib: int = MEMORY_KIB,
        parallelism: int = PARALLELISM,
    ) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt = secrets.token_bytes(SALT_BYTES)
        self._prefix = secrets.token_bytes(PREFIX_BYTES)
        self.key = derive_key(password, salt, time_cost, memory_kib, parallelism)
        fields = {
            "cipher": CIPHER,
            "kdf": KDF,
            "time_cost": time_cost,
            "memory_kib": memory_kib,
            "parallelism": parallelism,
            "salt": salt.hex(),
            "nonce_prefix": self._prefix.hex(),
            "chunk": CHUNK,
            "check": _check_value(self.key).hex(),
        }
        text = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii")
        head = MAGIC + struct.pack(">I", len(text)) + text
        self.header = head + hashlib.sha256(head).digest()
        self._aead = AESGCM(self.key)
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self._digest = hashlib.sha256()
        self._closed = False
        out.write(self.header)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed backup file")
        self._buffer += data
        self._digest.update(data)
        # A full chunk is held back until more comes: the last chunk must be marked as last,
        # and only `close` knows which one that is.
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._closed = True
        self._out.flush()

    @property
    def plain_sha256(self) -> str:
        return self._digest.hexdigest()

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, chunk, self.header))
        self._counter += 1


def read_header(handle: BinaryIO) -> Header:
    """The header at the start of `handle`; BackupDamaged if it is not whole and sound."""
    magic = handle.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupDamaged
    size_bytes = handle.read(4)
    if len(size_bytes) != 4:
        raise BackupDamaged
    (size,) = struct.unpack(">I", size_bytes)
    if not 0 < size <= _MAX_HEADER:
        raise BackupDamaged
    text = handle.read(size)
    digest = handle.read(_DIGEST)
    head = magic + size_bytes + text
    if len(text) != size or not hmac.compare_digest(hashlib.sha256(head).digest(), digest):
        raise BackupDamaged
    try:
        fields = json.loads(text)
        if fields["cipher"] != CIPHER or fields["kdf"] != KDF:
            raise BackupDamaged(
                "这份加密的备份用的加密方法这个版本的程序不认识，可能是更新版本的老娘舅做的。"
                "请把程序升级到最新版本后再恢复。当前的数据库没有任何改动。"
            )
        numbers = {name: int(fields[name]) for name in _LIMITS}
        salt = bytes.fromhex(fields["salt"])
        prefix = bytes.fromhex(fields["nonce_prefix"])
        check = bytes.fromhex(fields["check"])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupDamaged from error
    for name, (low, high) in _LIMITS.items():
        if not low <= numbers[name] <= high:
            raise BackupDamaged
    if len(salt) < SALT_BYTES or len(prefix) != PREFIX_BYTES or len(check) != 16:
        raise BackupDamaged
    return Header(
        time_cost=numbers["time_cost"],
        memory_kib=numbers["memory_kib"],
        parallelism=numbers["parallelism"],
        salt=salt,
        prefix=prefix,
        chunk=numbers["chunk"],
        check=check,
        raw=head + digest,
    )


def decrypt(handle: BinaryIO, header: Header, key: bytes, sink: Callable[[bytes], object]) -> None:
    """Decrypt the chunks after the header (already read from `handle`) into `sink`, one chunk
    at a time; BackupDamaged at the first chunk that does not hold, or a missing end."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    size = header.chunk + TAG
    block = handle.read(size)
    counter = 0
    while True:
        following = handle.read(size) if len(block) == size else b""
        last = not following
        try:
            sink(aead.decrypt(_nonce(header.prefix, counter, last), block, header.raw))
        except InvalidTag as error:
            raise BackupDamaged from error
        if last:
            return
        block = following
        counter += 1
