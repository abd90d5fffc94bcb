# SPDX-License-Identifier: MIT
"""grade.py's helpers: how one run is fenced in, and how files are taken in.

- ``submissions``: read each student's file once, before anything runs,
  refusing what is not a plain UTF-8 file of a sensible size.
- ``sandbox``: run pytest on one folder in a child that cannot outlive its
  run, with limits, a minimal environment and, as root, a lesser user.
- ``harness``: the child's side (copied into each run folder): it applies
  the limits, gives up root and streams each test's result to the grader.

Standard library only: copy this folder along with grade.py.
"""
