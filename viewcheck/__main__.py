# SPDX-License-Identifier: MIT
"""``python -m viewcheck PATH...``: see ``viewcheck.cli``."""

import sys

from .cli import main

sys.exit(main())
