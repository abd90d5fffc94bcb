"""The benchmark behind chapter 13, "What does a class-based view cost?".

Run it with ``python -m nox -s bench`` (or ``python -m bench`` in an
environment that has requirements.txt installed). It times every case in
:mod:`bench.cases` side by side in one process, in interleaved rounds,
then writes ``chapters/data/bench.json`` and draws ``chapters/images/bench.svg``
(:mod:`bench.report`). ``python -m bench --help`` lists the options.

Nothing here is collected by pytest: no file name starts with ``test_``.
``tests/test_bench_figures.py`` checks that the chapter quotes the committed
figures, and that the plot is the one the committed file draws.

:mod:`bench.loop` (``python -m nox -s loop``) times something else: a
learner's edit-and-check loop (the quick test run, one chapter, the docs
build).
"""
