"""Issue 4: the sandbox's test clock — real time by default, frozen, set forward, advanced.

Advancing runs every task that falls due on the way, each at its own due time and in time
order, before the call answers; the clock lives in the database, so every instance that
shares it agrees on the time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mock.clock import parse_rfc3339, rfc3339
from mock.control.clock import CLOCK_BACKWARDS, CLOCK_RANGE
from mock.sandbox import Sandbox
from tests.conftest import sandbox_settings
from tests.mock.job_helpers import advance, control
from tests.serving import Live, serve


def _later() -> datetime:
    """A whole second a day from now: a time every clock test may move forward to."""
    return (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)


def test_clock_is_real_time_by_default(fresh: Live) -> None:
    with control(fresh) as ctl:
        clock = ctl.get("/clock").json()
    assert clock["frozen"] is False
    assert abs(clock["offset_seconds"]) < 1
    assert abs(parse_rfc3339(clock["now"]) - datetime.now(UTC)) < timedelta(seconds=3)


def test_frozen_clock_stands_still(fresh: Live) -> None:
    with control(fresh) as ctl:
        frozen = ctl.put("/clock", json={"frozen": True}).json()
        time.sleep(1.2)
        later = ctl.get("/clock").json()
    assert frozen["frozen"] is True
    assert later["now"] == frozen["now"]


def test_set_clock_forward_moves_it_there(fresh: Live) -> None:
    moment = _later()
    with control(fresh) as ctl:
        clock = ctl.put("/clock", json={"frozen": True, "now": rfc3339(moment)}).json()
        assert ctl.get("/clock").json()["now"] == clock["now"]
    assert clock["now"] == rfc3339(moment)
    assert clock["offset_seconds"] == pytest.approx(86400, abs=5)


def test_unfrozen_clock_runs_on_from_a_later_time(fresh: Live) -> None:
    moment = _later()
    with control(fresh) as ctl:
        ctl.put("/clock", json={"frozen": False, "now": rfc3339(moment)})
        time.sleep(1.2)
        clock = ctl.get("/clock").json()
    assert clock["frozen"] is False
    assert parse_rfc3339(clock["now"]) > moment


def test_setting_the_clock_backwards_is_422_and_changes_nothing(fresh: Live) -> None:
    with control(fresh) as ctl:
        before = ctl.put("/clock", json={"frozen": True, "now": rfc3339(_later())}).json()
        response = ctl.put("/clock", json={"frozen": False, "now": rfc3339(datetime.now(UTC))})
        after = ctl.get("/clock").json()
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == CLOCK_BACKWARDS
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/now"]
    assert (after["now"], after["frozen"]) == (before["now"], True)


def test_advance_moves_a_frozen_clock_exactly(fresh: Live) -> None:
    moment = _later()
    with control(fresh) as ctl:
        ctl.put("/clock", json={"frozen": True, "now": rfc3339(moment)})
        clock = advance(ctl, 90)
    assert clock["now"] == rfc3339(moment + timedelta(seconds=90))
    assert clock["frozen"] is True


@pytest.fixture
def recording(tmp_path: Path):
    """A sandbox with a `test.record` task kind that notes its name and the clock's time."""
    settings = sandbox_settings(tmp_path)
    box = Sandbox.open(settings)
    ran: list[tuple[str, datetime]] = []
    box.scheduler.register("test.record", lambda p: ran.append((p["name"], box.clock.now())))
    with serve(settings, box) as live:
        yield live, box, ran


def test_advance_runs_due_tasks_in_due_order_before_answering(recording) -> None:
    live, box, ran = recording
    start = _later()
    with control(live) as ctl:
        ctl.put("/clock", json={"frozen": True, "now": rfc3339(start)})
        # Given tasks queued out of order, one of them beyond the advance
        for name, due in [("third", 20), ("first", 5), ("late", 40), ("second", 10)]:
            box.store.add_task("test.record", start + timedelta(seconds=due), {"name": name})
        # When the clock advances 30 s
        advance(ctl, 30)
        # Then, by the time it answers, the due ones ran in time order, each at its due time
        assert ran == [("first", start + timedelta(seconds=5)),
                       ("second", start + timedelta(seconds=10)),
                       ("third", start + timedelta(seconds=20))]
        advance(ctl, 10)
    assert ran[-1] == ("late", start + timedelta(seconds=40))


def test_setting_the_clock_forward_runs_what_fell_due(recording) -> None:
    live, box, ran = recording
    start = _later()
    with control(live) as ctl:
        ctl.put("/clock", json={"frozen": True, "now": rfc3339(start)})
        box.store.add_task("test.record", start + timedelta(seconds=60), {"name": "due"})
        ctl.put("/clock", json={"frozen": True, "now": rfc3339(start + timedelta(minutes=5))})
    assert ran == [("due", start + timedelta(seconds=60))]


def test_two_instances_on_one_database_share_the_clock(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    moment = _later()
    with serve(settings) as first, serve(settings) as second:
        with control(first) as one, control(second) as two:
            one.put("/clock", json={"frozen": True, "now": rfc3339(moment)})
            assert two.get("/clock").json()["now"] == rfc3339(moment)
            advance(two, 60)
            clock = one.get("/clock").json()
    assert (clock["now"], clock["frozen"]) == (rfc3339(moment + timedelta(seconds=60)), True)


@pytest.fixture
def slow_and_fast(tmp_path: Path):
    """A sandbox whose `test.slow` task takes 1.5 s, and whose `test.fast` task is instant."""
    settings = sandbox_settings(tmp_path)
    box = Sandbox.open(settings)
    done: dict[str, float] = {}

    def slow(payload: dict) -> None:
        time.sleep(1.5)
        done[payload["name"]] = time.monotonic()

    box.scheduler.register("test.slow", slow)
    box.scheduler.register("test.fast", lambda p: done.__setitem__(p["name"], time.monotonic()))
    with serve(settings, box) as live:
        yield live, box, done


def test_a_slow_task_does_not_hold_up_other_work(slow_and_fast) -> None:
    live, box, done = slow_and_fast
    # Given a slow task (a slow download, say) that falls due first
    now = box.clock.now()
    started = time.monotonic()
    box.store.add_task("test.slow", now, {"name": "slow"})
    box.store.add_task("test.fast", now + timedelta(seconds=0.2), {"name": "fast"})
    # Then the fast one runs beside it, not after it
    deadline = time.monotonic() + 10
    while ("slow" not in done or "fast" not in done) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert done["fast"] - started < 1.2
    assert done["slow"] > done["fast"]


def test_advance_waits_for_due_work_that_is_already_running(slow_and_fast) -> None:
    live, box, done = slow_and_fast
    # Given a slow task the background loop has already taken
    box.store.add_task("test.slow", box.clock.now(), {"name": "slow"})
    deadline = time.monotonic() + 5
    while not box.store.tasks_running(box.clock.now(), time.time()):
        assert time.monotonic() < deadline, "the loop never took the task"
        time.sleep(0.01)
    # When the clock is advanced past it
    with control(live) as ctl:
        advance(ctl, 1)
    # Then the answer came only after the task was done
    assert "slow" in done


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("PUT", "/clock", {"frozen": True, "now": "9999-12-31T23:59:00Z"}),
     ("PUT", "/clock", {"frozen": False, "now": "3000-01-01T00:00:00Z"})],
)
def test_the_clock_stops_before_the_year_3000(
    fresh: Live, method: str, path: str, body: dict
) -> None:
    with control(fresh) as ctl:
        answer = ctl.request(method, path, json=body)
        assert answer.status_code == 422
        assert answer.json()["detail"] == CLOCK_RANGE
        ctl.put("/clock", json={"frozen": True, "now": "2999-12-31T00:00:00Z"})
        answer = ctl.post("/clock/advance", json={"seconds": 86400})
        assert answer.status_code == 422
        # and nothing moved, so timed work still has room to add its days
        assert ctl.get("/clock").json()["now"] == "2999-12-31T00:00:00Z"
        assert ctl.post("/files/presign", json={"path": "contacts/spring_sale.csv"}
                        ).status_code == 200
