# SPDX-License-Identifier: MIT
"""Compile the in-browser runtime's Python files to bytecode, once, at fetch time.

Pyodide's standard library (``python_stdlib.zip``) and the wheels hold
source files only, so the browser's Python compiled every module it imported
each time a worker started: most of a warm first Run (see
``_build/live/figures.json``). ``fetch.py`` runs this module *inside Pyodide*
(the same Python as the browser's, run by Node.js through ``compile.mjs``),
so the bytecode has the right magic number; it adds to each archive, next to
each source file, the compiled file Python's import system looks for:

- in ``python_stdlib.zip``, ``name.pyc`` next to ``name.py`` (``zipimport``
  reads those);
- in a wheel, ``__pycache__/name.<cache tag>.pyc`` next to ``name.py``.

The compiled files are "unchecked hash-based" (PEP 552): Python uses them
without comparing them with the source's date or hash. The sources stay, so
tracebacks still show their lines. The module is standard library only and
also runs in CPython (``tests/test_live.py`` checks it there).
"""

from __future__ import annotations

import importlib.util
import marshal
import sys
import zipfile
from pathlib import Path, PurePosixPath

#: Wheels left as sources: pytest imports Pygments only to colour a
#: terminal's output, which the browser has not got, and it is 300 modules.
SOURCE_ONLY = ("pygments-",)
#: PEP 552's flags: hash-based (bit 0), not checked against the source (bit 1 clear).
UNCHECKED_HASH = 0b01


def compiled(source: bytes, filename: str) -> bytes:
    """The contents of a ``.pyc`` file for *source*, run as *filename*."""
    code = compile(source, filename, "exec", dont_inherit=True)
    return (
        importlib.util.MAGIC_NUMBER
        + UNCHECKED_HASH.to_bytes(4, "little")
        + importlib.util.source_hash(source)
        + marshal.dumps(code)
    )


def pyc_name(name: str, flat: bool) -> str:
    """Where Python looks for the bytecode of the archive member *name*."""
    path = PurePosixPath(name)
    if flat:  # zipimport: next to the source
        return str(path.with_suffix(".pyc"))
    tag = sys.implementation.cache_tag
    return str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc")


def add_bytecode(archive: Path, prefix: str, flat: bool) -> int:
    """Add a compiled file for each source file of *archive*: how many.

    *prefix*: where the archive's files are when Python imports them (the
    name tracebacks show). A file that does not compile (a test file written
    for another Python) is left as source. Rewrites the archive in place,
    members in their order, with their dates.
    """
    with zipfile.ZipFile(archive) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    names = {info.filename for info, _ in members}
    added = 0
    temporary = archive.with_name(archive.name + ".part")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, data)
            meta = ".dist-info/" in info.filename or ".data/" in info.filename
            if not info.filename.endswith(".py") or meta:
                continue
            name = pyc_name(info.filename, flat)
            if name in names:
                continue
            try:
                code = compiled(data, f"{prefix}/{info.filename}")
            except (SyntaxError, ValueError):
                continue
            entry = zipfile.ZipInfo(name, info.date_time)
            target.writestr(entry, code, zipfile.ZIP_DEFLATED)
            added += 1
    temporary.replace(archive)
    return added


def main(cache: str) -> dict[str, int]:
    """Compile the cache's standard library and wheels: files added per archive.

    Run inside Pyodide, with the cache mounted at *cache*.
    """
    import site

    root = Path(cache)
    stdlib = next(path for path in sys.path if path.endswith(".zip"))
    counts = {
        "pyodide/python_stdlib.zip": add_bytecode(
            root / "pyodide" / "python_stdlib.zip", stdlib, flat=True
        )
    }
    packages = site.getsitepackages()[0]
    for wheel in sorted([*root.glob("wheels/*.whl"), *root.glob("test-wheels/*.whl")]):
        if wheel.name.lower().startswith(SOURCE_ONLY):
            continue
        name = wheel.relative_to(root).as_posix()
        counts[name] = add_bytecode(wheel, packages, flat=False)
    return counts
