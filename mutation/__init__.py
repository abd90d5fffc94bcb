"""Mutation testing of viewlib/views.py: which surviving mutants are known.

``python -m nox -s mutation`` runs mutmut (settings in ``[tool.mutmut]`` of
pyproject.toml), then ``python -m mutation``, which reads ``mutmut results``
and compares the mutants that survived with those listed in
``mutation/equivalents.md``, each with the reason it changes no behaviour.
"""
