# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The viewlib authors
"""viewcheck: find class-based-view mistakes in your own code.

The tutorial shows each common mistake with Flask's ``View`` and
``MethodView`` once, live. This package looks for the same mistakes in code
you wrote, and says where each one is, what goes wrong and which section of
the tutorial shows it:

>>> from viewcheck import check_source
>>> source = '''
... from viewlib import View
...
... @login_required
... class Home(View):
...     def dispatch_request(self):
...         return "home"
... '''
>>> for finding in check_source(source, "home.py"):
...     print(finding.line, finding.code)
...     print(finding.message)
4 CBV103
decorator @login_required above a view class receives the class, not the view function

From a shell, ``python -m viewcheck PATH...`` checks files and folders;
``flake8`` runs the same rules once this package is installed. Like viewlib,
the folder needs only Python and Flask (Flask for ``--app`` alone), and you
may copy it into your project.
"""

from .checker import Finding, check_source
from .rules import RULES, Rule

__all__ = ["RULES", "Finding", "Rule", "check_source"]
