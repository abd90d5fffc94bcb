# SPDX-License-Identifier: MIT
"""The version matrix's logic, which noxfile.py's matrix sessions call.

- ``floors.py`` runs inside a cell's virtual environment and prints the
  oldest version of each of Flask's dependencies that everything installed
  there accepts (the "oldest dependencies" cells pin them).
- ``report.py`` writes versions.md from the cells' JUnit reports.
"""
