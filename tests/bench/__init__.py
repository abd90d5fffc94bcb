"""The benchmark behind chapter 13, "What does a class-based view cost?".

Run it with ``python -m nox -s bench`` (or ``python -m tests.bench`` in an
environment that has requirements.txt installed). It times every case in
:mod:`tests.bench.cases` side by side in one process, in interleaved rounds,
then writes ``chapters/data/bench.json`` and draws ``chapters/images/bench.svg``
(:mod:`tests.bench.report`). ``python -m tests.bench --help`` lists the options.

Nothing here is collected by pytest: no file name starts with ``test_``.
``tests/test_bench_figures.py`` checks that the chapter quotes the committed
figures, and that the plot is the one the committed file draws.
"""
