"""Fixtures shared by the conformance suite.

The suite's promise is that viewlib behaves exactly like ``flask.views``.
Every behavioural test asks for the ``views`` fixture, which is parametrized
over both modules, so each test runs once per implementation and any
difference between them shows up as a failure with the implementation's name
in the test id (``test_x[viewlib]`` / ``test_x[flask.views]``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

# Property tests draw the same cases on every run (tests/budget.py says how
# many), save nothing between runs, and have no per-case deadline: a case
# that sends a real request may be slow on a busy machine without being wrong.
settings.register_profile("viewlib", derandomize=True, database=None, deadline=None)
settings.load_profile("viewlib")

#: Module names of the implementations under test; ``viewlib`` must behave
#: like the reference implementation, ``flask.views``.
IMPLEMENTATIONS = ("viewlib", "flask.views")


@pytest.fixture(params=IMPLEMENTATIONS)
def views(request: pytest.FixtureRequest) -> ModuleType:
    """The module providing ``View``, ``MethodView`` and ``http_method_funcs``."""
    module: ModuleType = importlib.import_module(request.param)
    return module


@pytest.fixture
def app() -> Flask:
    """A fresh app in testing mode: exceptions in views reach the test."""
    app = Flask(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
