# SPDX-License-Identifier: MIT
"""Take in a student's file: once, as a plain file, or refuse it with a reason."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Largest submission accepted, in bytes (grade.py's --max-size).
MAX_BYTES = 1024 * 1024


def take(folder: Path, student: str, exercise: str, max_bytes: int) -> bytes | str:
    """The bytes of ``folder/student/exercise/exercise.py``, or why not.

    The reason is the result the table shows: "missing", or "refused: ..."
    for a symbolic link anywhere below *folder* (it could point at another
    student's file), a folder, a device or pipe, a file over *max_bytes*, or
    one that is not UTF-8 text.
    """
    path = folder
    for part in (student, exercise, "exercise.py"):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return "missing"
        if stat.S_ISLNK(mode):
            return "refused: symlink"
        if part != "exercise.py" and not stat.S_ISDIR(mode):
            return "missing"
    if stat.S_ISDIR(mode):
        return "refused: folder"
    if not stat.S_ISREG(mode):
        return "refused: not a regular file"
    # O_NOFOLLOW: if the file became a link since lstat, opening it fails.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return "refused: cannot be opened"
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "refused: not a regular file"
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        return f"refused: over {max_bytes} bytes"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "refused: not UTF-8"
    return data
