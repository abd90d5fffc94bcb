# SPDX-License-Identifier: MIT
"""The check for exercise 6: run it with ``pytest chapters/exercises/06-poll-tests``.

It runs your tests on the poll, then on broken copies of it. Each broken copy
is a subclass of ``Poll`` with one bug, put in place of the real class the
way chapter 6 shows: by replacing ``view_class`` on the registered view.

PYTEST_DONT_REWRITE: every assert carries its own message (why, and what
``python -O`` then does: the exercises' conftest).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from flask import Flask, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest

Test = Callable[..., object]


BUGS = [
    "counts every vote as a yes",
    "accepts a vote that is neither yes nor no",
    "answers a vote with 200 instead of 201",
    "forgets votes (a POST changes no count)",
    "crashes (a 500) on a body that is not JSON",
]


def broken_polls(exercise: ModuleType) -> dict[str, type]:
    """One subclass of the exercise's Poll per bug, by what it gets wrong."""
    poll, read_vote, choices = exercise.Poll, exercise.read_vote, exercise.CHOICES

    class AllYes(poll):  # type: ignore[valid-type,misc]
        def post(self) -> ResponseReturnValue:
            read_vote()
            return self.votes.add("yes"), 201

    class AnyVote(poll):  # type: ignore[valid-type,misc]
        def post(self) -> ResponseReturnValue:
            data = request.get_json(silent=True)
            vote = data.get("vote") if isinstance(data, dict) else None
            if vote in choices:
                return self.votes.add(vote), 201
            return self.votes.counts(), 201

    class Status200(poll):  # type: ignore[valid-type,misc]
        def post(self) -> ResponseReturnValue:
            return self.votes.add(read_vote()), 200

    class Forgetful(poll):  # type: ignore[valid-type,misc]
        def post(self) -> ResponseReturnValue:
            read_vote()
            return self.votes.counts(), 201

    class CrashesOnText(poll):  # type: ignore[valid-type,misc]
        def post(self) -> ResponseReturnValue:
            data: Any = request.get_json(force=True, silent=True)  # None if not JSON
            if data["vote"] not in choices:  # None["vote"]: TypeError, a 500
                raise BadRequest("send {'vote': 'yes'} or {'vote': 'no'}")
            return self.votes.add(data["vote"]), 201

    return dict(zip(BUGS, [AllYes, AnyVote, Status200, Forgetful, CrashesOnText]))


def your_tests(exercise: ModuleType) -> dict[str, Test]:
    """The functions in exercise.py whose names start with test_."""
    return {
        name: value
        for name, value in vars(exercise).items()
        if name.startswith("test_") and inspect.isfunction(value)
    }


def app_with(exercise: ModuleType, poll: type | None = None) -> Flask:
    """A new app in testing mode; with *poll*, that class serves /poll."""
    app: Flask = exercise.create_app()
    app.testing = True
    if poll is not None:
        app.view_functions["poll"].view_class = poll  # type: ignore[union-attr]
    return app


def run(test: Test, app: Flask) -> BaseException | None:
    """Call one of your tests with a client of *app*; what it raised, if anything."""
    try:
        test(app.test_client())
    except (Exception, pytest.fail.Exception) as failure:
        return failure
    return None


def test_you_wrote_at_least_four_tests(exercise: ModuleType) -> None:
    tests = your_tests(exercise)
    assert len(tests) >= 4, (
        f"exercise.py has {len(tests)} test(s), {sorted(tests)}: write at least 4"
    )
    for name, test in tests.items():
        parameters = list(inspect.signature(test).parameters)
        assert parameters == ["client"], (
            f"{name} takes {parameters}: each test takes one argument, client"
        )


def test_your_tests_pass_on_the_poll(exercise: ModuleType) -> None:
    for name, test in your_tests(exercise).items():
        failure = run(test, app_with(exercise))
        assert failure is None, (
            f"your test {name} fails on the working poll "
            f"({type(failure).__name__}: {failure}): it expects something the "
            "poll does not do"
        )


@pytest.mark.parametrize("bug", BUGS)
def test_your_tests_catch_the_bug(exercise: ModuleType, bug: str) -> None:
    broken = app_with(exercise, broken_polls(exercise)[bug])
    caught = [name for name, test in your_tests(exercise).items() if run(test, broken)]
    assert caught, f"none of your tests fails on a poll that {bug}: write one that does"


def test_the_poll_is_as_given(exercise: ModuleType) -> None:
    """Your tests are graded against the poll as shipped: keep it unchanged."""
    client = app_with(exercise).test_client()
    answers: list[Any] = [
        client.get("/poll").json,
        client.post("/poll", json={"vote": "no"}).status_code,
        client.post("/poll", json={"vote": "maybe"}).status_code,
        client.post("/poll", data="vote=yes").status_code,
        client.post(
            "/poll", data="vote=yes", content_type="application/json"
        ).status_code,
        client.post(
            "/poll", data='{"vote": "yes"}', content_type="text/plain"
        ).status_code,
        client.post(
            "/poll", data='{"vote": "yes"}', content_type="application/vnd.api+json"
        ).status_code,
        client.get("/poll").json,
    ]
    expected = [{"yes": 0, "no": 0}, 201, 400, 415, 400, 415, 201, {"yes": 1, "no": 1}]
    assert answers == expected, (
        "the poll in the first half of exercise.py does not behave as it did "
        "when shipped: undo your changes to it"
    )
