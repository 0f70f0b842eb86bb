"""The page-callback helper: named outputs, one transaction per call, refusals turned into the page's answer."""
from __future__ import annotations

import pytest
from dash import Input, Output, no_update
from sqlalchemy import func, select

from callbacks.page import PageRequest, page_callback
from dashboard.web.dash_callbacks import registered_callbacks
from data.core.scope import NotFound
from data.models import SystemParameter


@pytest.fixture
def helper_app(matrix_app):
    registered_callbacks()  # the page callbacks are copied first: the ones made here stay out of every app
    return matrix_app


def test_outputs_left_out_keep_their_value_and_unknown_ones_are_a_bug(helper_app):
    @page_callback(output={"a": Output("zz-a", "children"), "b": Output("zz-b", "children")},
                   inputs={"x": Input("zz-x", "value")})
    def body(r: PageRequest, x):
        return {"a": r.t("Home"), "c": 1} if x == "bad" else {"a": x}

    with helper_app.server.test_request_context():
        assert body(x="v") == {"a": "v", "b": no_update}
        with pytest.raises(KeyError, match="does not declare"):
            body(x="bad")


def test_a_bare_no_update_leaves_every_output(helper_app):
    @page_callback(output={"a": Output("zz-a", "children"), "b": Output("zz-b", "children")},
                   inputs={"x": Input("zz-x", "value")})
    def body(r: PageRequest, x):
        return no_update

    with helper_app.server.test_request_context():
        assert body(x=1) == {"a": no_update, "b": no_update}


def test_a_refusal_becomes_the_pages_answer_and_nothing_is_written(helper_app):
    def write_then_refuse(r: PageRequest, x):
        r.s.add(SystemParameter(key="zz.helper", value="1"))
        r.s.flush()
        raise NotFound("nothing here")

    answered = page_callback(output=Output("zz-a", "children"), inputs={"x": Input("zz-x", "value")},
                             refused=lambda t, exc, x: f"refused: {exc} ({x})")(write_then_refuse)
    unanswered = page_callback(output=Output("zz-b", "children"),
                               inputs={"x": Input("zz-y", "value")})(write_then_refuse)
    with helper_app.server.test_request_context():
        assert answered(x=1) == "refused: nothing here (1)"
        with pytest.raises(NotFound):
            unanswered(x=1)
    sessions = helper_app.server.extensions["certdash"].sessions
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SystemParameter).where(SystemParameter.key == "zz.helper")) == 0


def test_the_body_gets_the_requests_actor_and_language(helper_app):
    @page_callback(output=Output("zz-a", "children"), inputs={"x": Input("zz-x", "value")})
    def body(r: PageRequest, x):
        return (r.actor, r.t.lang)

    with helper_app.server.test_request_context(headers={"Cookie": "lang=en"}):
        assert body(x=None) == (None, "en")


def test_a_page_names_the_errors_it_answers_and_others_propagate(helper_app):
    class StaleVersion(Exception):
        pass

    def write_then_fail(r: PageRequest, x):
        r.s.add(SystemParameter(key="zz.stale", value="1"))
        r.s.flush()
        raise StaleVersion("someone saved it first") if x == "stale" else NotFound("gone")

    body = page_callback(output={"message": Output("zz-m", "children")}, inputs={"x": Input("zz-s", "value")},
                         refused=lambda t, exc, x: {"message": f"{type(exc).__name__}: {x}"},
                         refuses=(StaleVersion,))(write_then_fail)
    with helper_app.server.test_request_context():
        assert body(x="stale") == {"message": "StaleVersion: stale"}
        with pytest.raises(NotFound):  # not among the page's refusals: the request fails as before
            body(x="gone")
    sessions = helper_app.server.extensions["certdash"].sessions
    with sessions() as s:  # rolled back both times
        assert s.scalar(select(func.count()).select_from(SystemParameter).where(SystemParameter.key == "zz.stale")) == 0


def test_actions_after_commit_run_once_it_committed_and_never_after_a_refusal(helper_app):
    sessions = helper_app.server.extensions["certdash"].sessions
    seen: list[int] = []

    def count_stored() -> None:
        with sessions() as s:  # another connection: it sees only what was committed
            seen.append(s.scalar(select(func.count()).select_from(SystemParameter)
                                 .where(SystemParameter.key == "zz.after")))

    def write(r: PageRequest, x):
        r.s.add(SystemParameter(key="zz.after", value="1"))
        r.after_commit(count_stored)
        if x == "refuse":
            raise NotFound("no")
        return "ok"

    body = page_callback(output=Output("zz-after", "children"), inputs={"x": Input("zz-after-x", "value")},
                         refused=lambda t, exc, x: "refused")(write)
    with helper_app.server.test_request_context():
        assert body(x="refuse") == "refused" and seen == []
        assert body(x="write") == "ok" and seen == [1]
    with sessions() as s:
        s.query(SystemParameter).filter_by(key="zz.after").delete()
        s.commit()
