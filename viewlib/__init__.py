# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""viewlib: Flask's class-based views, as a small model you can read in one sitting.

It models ``flask.views`` name for name, and behaves the same in every
case the project's conformance suite checks (run against both); the known
differences are listed on the API page. The whole library is
:mod:`viewlib.views`.

>>> import viewlib
>>> sorted(viewlib.__all__)
['MethodView', 'View', 'http_method_funcs']

Copy this folder into your own project if you like: it needs nothing but
Flask, and every file names its licence (MIT) in its first line.
"""

from .views import MethodView, View, http_method_funcs

__all__ = ["MethodView", "View", "http_method_funcs"]
