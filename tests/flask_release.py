"""The installed Flask release, for the tests whose expectation Flask 3.2 changes.

``python -m nox -s flask_next`` runs the whole suite on Flask's main branch
(3.2.0.dev); everything else runs on the release requirements.txt pins.
Where the two differ, a test states both expectations and picks the one of
the installed release, so each is proven on the version it describes.
"""

from __future__ import annotations

import re
from importlib.metadata import version

#: The installed Flask as a tuple such as ``(3, 1, 3)`` (``(3, 2, 0)`` for
#: 3.2.0.dev0), as the chapters' ``FLASK_VERSION`` (the root conftest.py).
FLASK_VERSION = tuple(int(part) for part in re.findall(r"\d+", version("flask"))[:3])
#: Flask 3.2 (unreleased; its main branch): ``redirect()`` answers 303, not 302,
#: and ``provide_automatic_options=True`` adds ``OPTIONS`` to the route itself.
FLASK_3_2 = FLASK_VERSION >= (3, 2)
#: The status code of ``flask.redirect()`` without a ``code`` argument.
REDIRECT_STATUS = 303 if FLASK_3_2 else 302
