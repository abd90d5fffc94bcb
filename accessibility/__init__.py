# SPDX-License-Identifier: MIT
"""Tools that check the built site's accessibility (see axe.py)."""
