# SPDX-License-Identifier: MIT
"""Compile the in-browser runtime's Python files to bytecode, once, at fetch time.

Pyodide's standard library (``python_stdlib.zip``) and the wheels hold
source files only, so the browser's Python compiled every module it imported
each time a worker started: most of a warm first Run (see
``_build/live/figures.json``). ``fetch.py`` runs this module *inside Pyodide*
(the same Python as the browser's, run by Node.js through ``compile.mjs``),
so the bytecode has the right magic number. It installs the wheels there,
imports what the pages use (``fetch.py`` lists the modules their sources
import; every wheel's packages; ``runner.py``'s imports), and adds to each
archive, next to the source file of each module that was imported, the
compiled file Python's import system looks for:

- in ``python_stdlib.zip``, ``name.pyc`` next to ``name.py`` (``zipimport``
  reads those);
- in a wheel, ``__pycache__/name.<cache tag>.pyc`` next to ``name.py``.

The compiled files are "unchecked hash-based" (PEP 552): Python uses them
without comparing them with the source's date or hash. The sources stay, so
tracebacks still show their lines. A module none of that imports (most of
the standard library) stays source only: the browser's Python compiles it if
a reader's code imports it, as it did every module before; the download
grows only by the modules the pages use. The module is standard library only and
also runs in CPython (``tests/test_live.py`` checks it there).
"""

from __future__ import annotations

import importlib
import importlib.util
import marshal
import sys
import zipfile
from collections.abc import Iterable
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


def add_bytecode(
    archive: Path, prefix: str, flat: bool, wanted: set[str] | None = None
) -> int:
    """Add a compiled file for source files of *archive*: how many.

    *prefix*: where the archive's files are when Python imports them (the
    name tracebacks show); *wanted*: the paths, so prefixed, of the files to
    compile (None: all). A file that does not compile (a test file written
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
            path = f"{prefix}/{info.filename}"
            if name in names or (wanted is not None and path not in wanted):
                continue
            try:
                code = compiled(data, path)
            except (SyntaxError, ValueError):
                continue
            entry = zipfile.ZipInfo(name, info.date_time)
            target.writestr(entry, code, zipfile.ZIP_DEFLATED)
            added += 1
    temporary.replace(archive)
    return added


def top_level(wheel: Path) -> set[str]:
    """The packages and modules a wheel installs (its top-level names)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    found = set()
    for name in names:
        first = name.split("/")[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" in name or name.endswith(".py"):
            found.add(first.removesuffix(".py"))
    return found


def imported(modules: Iterable[str]) -> set[str]:
    """The files of every module loaded once *modules* are imported (those
    that import here: a name of the pages' own modules does not)."""
    for name in sorted(modules):
        try:
            importlib.import_module(name)
        except Exception:  # not importable here (a page's own module): no bytecode
            continue
    return {
        str(module.__file__)
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None)
    }


def main(cache: str, modules: Iterable[str] = ()) -> dict[str, int]:
    """Compile what the pages import: files added per archive.

    Run inside Pyodide, with the cache mounted at *cache*; *modules*: the
    names the pages' sources import (``fetch.imported_names``).
    """
    import site

    root = Path(cache)
    stdlib = next(path for path in sys.path if path.endswith(".zip"))
    packages = site.getsitepackages()[0]
    wheels = sorted([*root.glob("wheels/*.whl"), *root.glob("test-wheels/*.whl")])
    names = set(modules)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(packages)
        if not wheel.name.lower().startswith(SOURCE_ONLY):
            names |= top_level(wheel)
    wanted = imported(names)
    counts = {
        "pyodide/python_stdlib.zip": add_bytecode(
            root / "pyodide" / "python_stdlib.zip", stdlib, True, wanted
        )
    }
    for wheel in wheels:
        if wheel.name.lower().startswith(SOURCE_ONLY):
            continue
        name = wheel.relative_to(root).as_posix()
        counts[name] = add_bytecode(wheel, packages, False, wanted)
    return counts
