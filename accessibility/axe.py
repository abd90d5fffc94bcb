# SPDX-License-Identifier: MIT
"""Fetch axe-core, the accessibility checker the browser session runs.

    python -m accessibility.axe             # fetch it; fail loudly if it cannot
    python -m accessibility.axe --optional  # offline: say why and exit 0

axe-core is an npm package: one JavaScript file (``axe.min.js``) that a test
injects into a page and asks for the page's violations of the WCAG rules.
It is not part of the repository (nor of the built site). The pinned tarball
is fetched once into ``.axe-cache/`` (git-ignored), with ``npm pack`` or,
when npm is not installed, from the registry's tarball URL; it must match
the sha512 integrity value pinned below, checked when it is fetched and
again each time :func:`script` reads it. ``tests/site_in_browser.py``
(``nox -s browser``) calls :func:`script`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".axe-cache"

AXE_VERSION = "4.14.1"
#: ``npm view axe-core@4.14.1 dist.integrity``: the tarball must match it.
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNt"
    "uFooJpZe37OgudVGtQ=="
)
TARBALL_NAME = f"axe-core-{AXE_VERSION}.tgz"
TARBALL_URL = f"https://registry.npmjs.org/axe-core/-/{TARBALL_NAME}"
#: The file in the tarball that a page runs.
SCRIPT = "package/axe.min.js"
FETCH_HINT = "run `python -m accessibility.axe` (it needs npm's registry) to fetch it"


class AxeUnavailableError(Exception):
    """axe-core is not in the cache, or the cached copy is not the pinned one."""


def verified(data: bytes) -> bytes:
    """The tarball's bytes, if they match the pinned integrity value."""
    algorithm, expected = AXE_INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise AxeUnavailableError(
            f"{TARBALL_NAME}: {algorithm} {actual} is not the pinned {expected}"
        )
    return data


def download(work: Path) -> bytes:
    """The pinned tarball from npm's registry (not yet checked)."""
    npm = shutil.which("npm")
    if npm:
        subprocess.run(
            [
                npm,
                "pack",
                "--loglevel=error",
                # Few, short retries: offline, the session need not wait long.
                "--fetch-retries=1",
                "--fetch-retry-maxtimeout=10000",
                f"axe-core@{AXE_VERSION}",
                "--pack-destination",
                str(work),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
        return (work / TARBALL_NAME).read_bytes()
    with urllib.request.urlopen(TARBALL_URL, timeout=120) as response:
        data: bytes = response.read()
    return data


def fetch(cache: Path = CACHE) -> Path:
    """Put the pinned, checked tarball into *cache*; its path there."""
    target = cache / TARBALL_NAME
    if target.is_file():
        try:
            verified(target.read_bytes())
            return target
        except AxeUnavailableError:
            target.unlink()  # not the pinned file: fetch it again
    with tempfile.TemporaryDirectory(prefix="axe-fetch-") as tmp:
        data = verified(download(Path(tmp)))
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(target)  # a cache never holds half a tarball
    return target


def script(cache: Path = CACHE) -> str:
    """axe-core's JavaScript, read from the cached tarball after checking it."""
    tarball = cache / TARBALL_NAME
    if not tarball.is_file():
        missing = f"axe-core {AXE_VERSION} is not in {cache.name}/"
        raise AxeUnavailableError(f"{missing}: {FETCH_HINT}")
    data = verified(tarball.read_bytes())
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.extractfile(SCRIPT)
        if member is None:
            raise AxeUnavailableError(f"{TARBALL_NAME} has no {SCRIPT}")
        return member.read().decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--optional",
        action="store_true",
        help="on failure (offline, say) explain and exit 0: the checks then skip",
    )
    optional = parser.parse_args(argv).optional
    try:
        path = fetch(CACHE)
    except (OSError, subprocess.SubprocessError, AxeUnavailableError) as error:
        if not optional:
            message = f"axe: could not fetch axe-core {AXE_VERSION}: {error}"
            raise SystemExit(message) from error
        print(f"axe: could not fetch axe-core {AXE_VERSION} ({error});")
        print("axe: the accessibility checks will skip")
        return 0
    print(f"axe: {path.relative_to(ROOT)} (axe-core {AXE_VERSION}, sha512 checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
