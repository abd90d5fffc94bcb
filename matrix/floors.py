# SPDX-License-Identifier: MIT
"""Print the oldest dependencies of Flask that this environment accepts.

Run by the Python of a matrix cell's virtual environment, after the cell
installed its Flask series and tools the ordinary way (newest versions)::

    python matrix/floors.py [--with-flask]

It prints one ``name==version`` line per distribution in the dependency
closure of Flask and viewlib (with their ``async`` extras: asgiref): the
highest of the lower bounds (``>=``, ``~=``, ``==``) that every installed
distribution's requirements put on it. With Flask 2.2.5 that is Werkzeug
2.2.2, Jinja2 3.0, and so on, unless a tool installed next to it asks for
more (Sphinx needs Jinja2 3.1). A requirement without a lower bound puts
none. The cell installs these lines, then runs this again, until the list
no longer changes: an older version can ask for other floors than the
newest did.

Needs ``packaging``, which pytest installs in every cell.
"""

from __future__ import annotations

import sys
from importlib.metadata import Distribution, distributions

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = "flask"
#: Where the closure starts, with the extras taken: Flask, and viewlib, whose
#: own `async` extra asks for more than Flask's (pyproject.toml says why).
ROOTS = {ROOT: ("async",), "viewlib": ("async",)}


def installed() -> dict[str, Distribution]:
    """Every distribution installed, by canonical name."""
    found: dict[str, Distribution] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist)
    return found


def requirements(dist: Distribution, extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The distribution's requirements that apply here, with these extras."""
    applying = []
    for line in dist.requires or []:
        requirement = Requirement(line)
        marker = requirement.marker
        applies = marker is None or any(
            marker.evaluate({"extra": extra})  # over this Python's environment
            for extra in ("", *extras)
        )
        if applies:
            applying.append(requirement)
    return applying


def lower_bound(requirement: Requirement) -> Version | None:
    """The oldest version the requirement allows, if it names one."""
    bounds = [
        Version(spec.version)
        for spec in requirement.specifier
        if spec.operator in (">=", "~=", "==", "===") and "*" not in spec.version
    ]
    return max(bounds, default=None)


def closure(dists: dict[str, Distribution]) -> set[str]:
    """Flask and what it needs, installed, transitively."""
    names: set[str] = set()
    todo: list[tuple[str, tuple[str, ...]]] = list(ROOTS.items())
    while todo:
        name, extras = todo.pop()
        if name in names or name not in dists:
            continue
        names.add(name)
        for requirement in requirements(dists[name], extras):
            extras_wanted = tuple(requirement.extras)
            todo.append((canonicalize_name(requirement.name), extras_wanted))
    return names


def floors() -> dict[str, Version]:
    """Each of Flask's dependencies, at the oldest version all installed accept."""
    dists = installed()
    wanted = closure(dists) - set(ROOTS)
    found: dict[str, Version] = {}
    for name_of_dist, dist in dists.items():
        extras = ROOTS.get(name_of_dist, ())
        for requirement in requirements(dist, extras):
            name = canonicalize_name(requirement.name)
            bound = lower_bound(requirement)
            if name in wanted and bound is not None:
                found[name] = max(bound, found.get(name, bound))
    return dict(sorted(found.items()))


if __name__ == "__main__":
    # `--with-flask` prints the installed Flask first (for the report).
    if sys.argv[1:] == ["--with-flask"]:
        sys.stdout.write(f"flask=={installed()[ROOT].version}\n")
    for name, version in floors().items():
        sys.stdout.write(f"{name}=={version}\n")
