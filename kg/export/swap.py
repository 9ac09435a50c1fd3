"""Putting a finished output in place in one step, and clearing what killed runs left behind.

A file is replaced by `os.replace` (one rename). A folder cannot be renamed over a folder,
so on Linux the two are exchanged with `renameat2(RENAME_EXCHANGE)`, one atomic step, and
the old one is deleted afterwards; elsewhere (or on a file system without it) the old
folder is first renamed aside, which leaves a moment without the folder: a run killed then
leaves it under its aside name, and the next run puts it back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap `a` and `b` atomically; False where the system cannot."""
    if sys.platform != "linux":
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove(path: Path) -> None:
    """Delete a file or folder if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def temporary(target: Path, role: str = "tmp") -> Path:
    """The hidden name beside `target` this process uses while writing it (`role`: tmp or old)."""
    return target.with_name(f".{target.name}.{role}-{os.getpid()}")


def put_in_place(tmp: Path, target: Path) -> None:
    """Make the finished `tmp` be `target`, in one step wherever the system allows."""
    if tmp.is_file():
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
    if not (target.is_dir() and not target.is_symlink()):
        os.replace(tmp, target)
        return
    if _exchange(tmp, target):
        remove(tmp)
        return
    old = temporary(target, "old")
    target.rename(old)
    tmp.rename(target)
    remove(old)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_leftovers(target: Path) -> None:
    """Remove the temporaries of dead runs beside `target`; put back a folder one left aside."""
    for role in ("old", "tmp"):
        for path in sorted(target.parent.glob(f".{target.name}.{role}-*")):
            pid = path.name.rsplit("-", 1)[1]
            if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
                continue
            if role == "old" and not target.exists():
                path.rename(target)
            else:
                remove(path)
