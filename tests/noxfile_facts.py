# SPDX-License-Identifier: MIT
"""What noxfile.py declares, for the tests that compare the pages with it.

nox keeps its sessions in one global registry, so the noxfile is loaded in a
process of its own, once per test run: this module's ``facts()``.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Prints, as JSON: the default sessions in order; the browser session's
#: checks; the sessions without a docstring; each session's virtualenv
#: backend (False for ``python=False``); and where the serve session serves,
#: without and with ``-- --port 8001`` (its command, read by
#: sphinx-autobuild's own argument parser: nothing is started).
LOADER = """
import importlib.util, json, sys, types
import nox
from sphinx_autobuild.__main__ import _parse_args
spec = importlib.util.spec_from_file_location("noxfile", "noxfile.py")
noxfile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(noxfile)
def serves(posargs):
    ran = []
    record = lambda *args, **kwargs: ran.append(args)
    noxfile.serve(types.SimpleNamespace(posargs=posargs, run=record))
    (command,) = ran
    assert command[1:3] == ("-m", "sphinx_autobuild"), command
    parsed = _parse_args(list(command[3:]))[0]
    return [parsed.host, parsed.port]
registry = nox.registry.get()
json.dump({
    "sessions": nox.options.sessions,
    "browser": noxfile.browser_checks(),
    "undescribed": [name for name, func in registry.items()
                    if not (func.__doc__ or "").strip()],
    "backends": {name: False if func.python is False else func.venv_backend
                 for name, func in registry.items()},
    "serve": [serves([]), serves(["--port", "8001"])],
}, sys.stdout)
"""


@functools.lru_cache(maxsize=1)
def facts() -> dict[str, Any]:
    """What the noxfile declares (see LOADER), read once."""
    found: dict[str, Any] = json.loads(
        subprocess.run(
            [sys.executable, "-c", LOADER],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    return found
