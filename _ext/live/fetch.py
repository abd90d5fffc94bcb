# SPDX-License-Identifier: MIT
"""Fetch the in-browser Python runtime into ``.live-cache/`` (git-ignored).

    python _ext/live/fetch.py             # fail loudly if anything is missing
    python _ext/live/fetch.py --optional  # say why and exit 0 (the docs build)

What it gets, and how each piece is checked:

- Pyodide, the pinned npm tarball (``npm pack``, or the registry's tarball URL
  when npm is not installed), verified against the sha512 integrity value
  pinned below before anything is unpacked;
- pure-Python wheels of the libraries the pages import (Flask and its
  dependencies, the extensions the chapters show, pytest for the exercises),
  resolved by pip for Pyodide's Python within the bounds of requirements.txt.
  MarkupSafe and PyYAML publish compiled wheels only; their source builds
  fall back to pure Python when there is no C compiler, so they are built
  with ``CC=/bin/false``.

Then, where Node.js is installed, ``compile.mjs`` runs ``bytecode.py`` in
that Pyodide to add compiled files (``.pyc``) to its standard library and to
the wheels, for the modules the pages import (``imported_names``, read when
the cache is filled): the browser's Python then imports them without
compiling the sources each time a worker starts, most of a warm start's time. Without
Node.js the cache holds sources only (slower to start, the same behaviour);
once Node.js is there, the next run of this script fetches and compiles again.

``manifest.json`` lists every file with its sha256; the Sphinx extension
(``_ext/live/__init__.py``) checks those hashes again when it copies the files
into the built site. A complete cache is reused as long as the pins and
requirements.txt are unchanged, so a rebuild needs no network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".live-cache"

PYODIDE_VERSION = "314.0.7"
#: ``npm view pyodide@314.0.7 dist.integrity``: the tarball must match it.
PYODIDE_INTEGRITY = (
    "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+"
    "SNvi/6V5JEsOlD2R1A=="
)
PYODIDE_TARBALL = f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz"
#: The runtime proper; the package's consoles, maps and type files stay out.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
#: Pyodide's Python, for which pip picks the wheels.
PYTHON_VERSION = "3.14"
#: What the pages import (their dependencies follow), bounded by requirements.txt.
LIBRARIES = (
    "flask",
    "asgiref",
    "flask-cors",
    "flask-login",
    "flask-smorest",
    "apispec",
    "marshmallow",
    "apispec-webframeworks",
    # bookshelf.py (chapter 12) imports it; serving with it runs locally only.
    "waitress",
)
#: For the exercises' checks, in test-wheels/: loaded only by pages that use it.
TEST_LIBRARIES = ("pytest",)
#: Published as compiled wheels only: built here from source, without a compiler.
BUILT_PURE = ("markupsafe", "pyyaml")
#: Runs bytecode.py in Pyodide (Node.js): the browser's Python, compiled ahead.
COMPILE = Path(__file__).with_name("compile.mjs")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs() -> dict[str, object]:
    """What the cache depends on: a change to any of it means fetching again."""
    requirements = (ROOT / "requirements.txt").read_bytes()
    return {
        "pyodide": PYODIDE_VERSION,
        "integrity": PYODIDE_INTEGRITY,
        "python": PYTHON_VERSION,
        "libraries": [*LIBRARIES, *TEST_LIBRARIES],
        "requirements.txt": hashlib.sha256(requirements).hexdigest(),
        "bytecode": bool(shutil.which("node"))
        and sha256(COMPILE.with_name("bytecode.py")),
    }


def cache_is_complete(cache: Path = CACHE) -> bool:
    try:
        manifest = json.loads((cache / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("inputs") != inputs():
        return False
    files = manifest.get("files", {})
    return bool(files) and all(
        (cache / name).is_file() and sha256(cache / name) == digest
        for name, digest in files.items()
    )


def pyodide_tarball(work: Path) -> bytes:
    """The pinned tarball, refused unless it matches the pinned integrity hash."""
    npm = shutil.which("npm")
    if npm:
        subprocess.run(
            [
                npm,
                "pack",
                "--loglevel=error",
                # Few, short retries: offline, the docs build need not wait long.
                "--fetch-retries=1",
                "--fetch-retry-maxtimeout=10000",
                f"pyodide@{PYODIDE_VERSION}",
                "--pack-destination",
                work,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data = (work / f"pyodide-{PYODIDE_VERSION}.tgz").read_bytes()
    else:
        with urllib.request.urlopen(PYODIDE_TARBALL, timeout=120) as response:
            data = response.read()
    algorithm, expected = PYODIDE_INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"pyodide tarball: {algorithm} {actual} is not the pinned one")
    return data


def unpack_pyodide(data: bytes, into: Path) -> None:
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for name in PYODIDE_FILES:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"pyodide tarball: no package/{name}")
            (into / name).write_bytes(member.read())


def pip(*args: str | Path, env: dict[str, str] | None = None) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "--retries=1",
    ]
    subprocess.run([*command, *map(str, args)], check=True, env=env)


def retag_pure(wheel: Path) -> Path:
    """Tag a wheel with no compiled file in it ``py3-none-any``.

    A package that declares an optional C extension (PyYAML) gets a platform
    tag even when the extension was not built, which would keep pip from
    choosing it for Pyodide. What is in the wheel decides: only Python files.
    """
    name, version = wheel.name.split("-")[:2]
    pure = wheel.with_name(f"{name}-{version}-py3-none-any.whl")
    if wheel == pure:
        return wheel
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(pure, "w") as target:
        compiled = [n for n in source.namelist() if n.endswith((".so", ".pyd"))]
        if compiled:
            raise SystemExit(f"{wheel.name} is not pure Python: {compiled}")
        files = {item.filename: source.read(item) for item in source.infolist()}
        wheel_file = next(n for n in files if n.endswith(".dist-info/WHEEL"))
        record = wheel_file.removesuffix("WHEEL") + "RECORD"
        text = files[wheel_file].decode()
        text = text.replace("Root-Is-Purelib: false", "Root-Is-Purelib: true")
        lines = [line for line in text.splitlines() if not line.startswith("Tag:")]
        files[wheel_file] = ("\n".join([*lines, "Tag: py3-none-any", ""])).encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[wheel_file]).digest())
        size = len(files[wheel_file])
        entry = f"{wheel_file},sha256={digest.decode().rstrip('=')},{size}"
        files[record] = "\n".join(
            entry if line.startswith(wheel_file + ",") else line
            for line in files[record].decode().splitlines()
        ).encode()
        for item in source.infolist():  # dates kept: the same wheel every time
            target.writestr(item, files[item.filename], zipfile.ZIP_DEFLATED)
    wheel.unlink()
    return pure


def download_wheels(wheels: Path, test_wheels: Path) -> None:
    # requirements.txt's version bounds, without its `-e .` (not a constraint).
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    bounds = wheels.parent / "constraints.txt"
    # pip refuses a constraint with extras (psycopg[binary]): keep the bound.
    kept = [re.sub(r"\[[^\]]*\]", "", x) for x in lines if not x.startswith("-")]
    bounds.write_text("\n".join(kept) + "\n")
    constraints = ("-c", bounds)
    # Any C compiler call fails, so the builds fall back to pure Python.
    no_compiler = {**os.environ, "CC": "/bin/false", "CXX": "/bin/false"}
    for name in BUILT_PURE:
        pip(
            "wheel",
            "-q",
            "--no-deps",
            "--no-binary",
            name,
            *constraints,
            name,
            "-w",
            wheels,
            env=no_compiler,
        )
    for wheel in wheels.glob("*.whl"):
        retag_pure(wheel)
    pure = (
        "--only-binary=:all:",
        "--platform",
        "any",
        "--implementation",
        "py",
        "--abi",
        "none",
        "--python-version",
        PYTHON_VERSION,
    )
    pip(
        "download",
        "-q",
        *pure,
        "--find-links",
        wheels,
        *constraints,
        *LIBRARIES,
        "-d",
        wheels,
    )
    pip(
        "download",
        "-q",
        *pure,
        "--find-links",
        wheels,
        *constraints,
        *TEST_LIBRARIES,
        "-d",
        test_wheels,
    )
    for wheel in test_wheels.glob("*.whl"):
        if (wheels / wheel.name).exists():  # already installed with the others
            wheel.unlink()


#: Where the pages' Python is: the modules it imports are compiled ahead.
SOURCES = (
    "*.md",
    "chapters/*.md",
    "chapters/**/*.py",
    "viewlib/*.py",
    "viewcheck/*.py",
)
IMPORT = re.compile(
    r"^[ \t]*(?:>>> |\.\.\. )?[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b"
    r"|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))",
    re.MULTILINE,
)


def imported_names(root: Path = ROOT) -> list[str]:
    """The modules the pages and the code they run import, by name (sorted).

    Read from the import statements of the pages' listings and sessions, the
    apps, exercises, viewlib, viewcheck and runner.py. A relative import or a
    name of the checkout's own modules is listed too: it does not import in
    the compile step and is left alone there.
    """
    files = {path for pattern in SOURCES for path in root.glob(pattern)}
    files.add(Path(__file__).with_name("runner.py"))
    names: set[str] = set()
    for path in sorted(files):
        for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
            if match[1]:
                names.add(match[1])
            else:
                names.update(part.strip().split(" ")[0] for part in match[2].split(","))
    return sorted(name for name in names if name and not name.startswith("."))


def compile_bytecode(cache: Path) -> None:
    """Add compiled files to the cache's standard library and wheels (Node.js)."""
    node = shutil.which("node")
    if not node:
        print("live: no Node.js, so no compiled files: a worker starts slower")
        return
    print("live: compiling their Python ahead (Node.js runs Pyodide)", flush=True)
    modules = cache / "modules.json"
    modules.write_text(json.dumps(imported_names()))
    subprocess.run(
        [node, str(COMPILE), str(cache / "pyodide"), str(cache), str(modules)],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )
    modules.unlink()


def fetch(cache: Path = CACHE) -> None:
    """Fill a fresh folder and swap it in: a failed fetch keeps the old cache."""
    with tempfile.TemporaryDirectory(prefix="live-fetch-") as tmp:
        work = Path(tmp)
        fresh = work / "cache"
        # Said step by step: the first fetch takes a minute or more.
        print(f"live: fetching Pyodide {PYODIDE_VERSION} from npm, once", flush=True)
        unpack_pyodide(pyodide_tarball(work), fresh / "pyodide")
        print("live: fetching the wheels the pages need from PyPI", flush=True)
        download_wheels(fresh / "wheels", fresh / "test-wheels")
        (fresh / "constraints.txt").unlink()
        compile_bytecode(fresh)
        files = {
            path.relative_to(fresh).as_posix(): sha256(path)
            for path in sorted(fresh.rglob("*"))
            if path.is_file()
        }
        manifest = {"inputs": inputs(), "files": files}
        (fresh / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        shutil.rmtree(cache, ignore_errors=True)
        shutil.move(fresh, cache)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--optional",
        action="store_true",
        help="on failure (offline, say) explain and exit 0: Run says it is unavailable",
    )
    optional = parser.parse_args().optional
    if cache_is_complete(CACHE):
        print(f"live: {CACHE.name}/ is complete (Pyodide {PYODIDE_VERSION})")
        return 0
    try:
        fetch(CACHE)
    except (OSError, subprocess.CalledProcessError, SystemExit) as error:
        if not optional:
            raise
        print(f"live: could not fetch the runtime ({error}); Run will be unavailable")
        return 0
    files = json.loads((CACHE / "manifest.json").read_text())["files"]
    size = sum((CACHE / name).stat().st_size for name in files)
    print(f"live: fetched {len(files)} files ({size / 1e6:.1f} MB) into {CACHE.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
