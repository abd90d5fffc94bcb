# SPDX-License-Identifier: MIT
"""``python -m viewcheck PATH...``: see ``viewcheck.cli``."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a tool imports every module to read it
    sys.exit(main())
