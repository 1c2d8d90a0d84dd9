"""Progress output: plain lines for logs, a redrawn per-model block on a terminal."""

from __future__ import annotations

import io
import time

from reconciler.cli.progress import MAX_ROWS, ProgressPrinter
from reconciler.engine.record.events import Event
from reconciler.structs.outcome import State


def test_plain_mode_writes_one_line_per_state_change() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=2, live=False)
    printer(Event("alpha", State.CREATING))
    printer(Event("alpha", State.ACTIVE))
    printer(Event("beta", State.FAILED, "key rejected"))
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "alpha: creating",
        "alpha: ACTIVE",
        "beta: FAILED: key rejected",
    ]
    assert "\x1b" not in out.getvalue()


def test_live_mode_redraws_one_row_per_model_in_place() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=2, live=True)
    printer(Event("alpha", State.CREATING))
    printer(Event("beta", State.CREATING))
    printer(Event("alpha", State.ACTIVE))
    last = out.getvalue().rsplit("\x1b[3F", 1)[1]  # the final redraw moves up 3 rows
    rows = [r.removeprefix("\x1b[2K") for r in last.splitlines()]
    assert rows[0].endswith("1/2 done, 0 failed")
    assert rows[1].split() == ["…", "beta", "creating"]
    assert rows[2].split() == ["✓", "alpha", "ACTIVE"]


def test_live_mode_caps_rows_for_large_applies() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=100, live=True)
    for i in range(40):
        printer(Event(f"model-{i:02d}", State.CREATING))
    last_block = out.getvalue().split("F")[-1]
    assert f"{40 - MAX_ROWS} more" in last_block
    assert "model-39" in last_block and "model-00" not in last_block


def test_live_rows_are_clipped_to_the_terminal_width() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=1, live=True, width=40, tick=None)
    printer(Event("bad-key-model", State.FAILED, "provider rejected the key " * 5))
    rows = [r.removeprefix("\x1b[2K") for r in out.getvalue().split("\x1b[J")[0].splitlines()]
    assert all(len(r) <= 39 for r in rows) and rows[1].endswith("…")


def test_the_clock_ticks_between_events() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=1, live=True, width=80, tick=0.02)
    printer(Event("slow-model", State.CREATING))
    deadline = time.monotonic() + 5
    while out.getvalue().count("0/1 done") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    printer.finish()
    assert out.getvalue().count("0/1 done") >= 3, "redrawn without any new event"


def test_finish_stops_the_clock_and_may_be_called_twice() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out, total=1, live=True, width=80, tick=0.01)
    printer(Event("slow-model", State.CREATING))
    printer.finish()
    printer.finish()
    drawn = out.getvalue()
    time.sleep(0.05)
    assert out.getvalue() == drawn, "nothing is drawn after finish"


def test_a_live_name_or_error_with_a_newline_stays_on_its_line() -> None:
    """A name from the Gateway (a managed endpoint deleted by --prune) and the Gateway's
    error text are printed, not obeyed: a newline would start a workflow command in CI."""
    for live in (False, True):
        out = io.StringIO()
        printer = ProgressPrinter(out, total=1, live=live)
        printer(Event("x\n::error file=a::pwned", State.FAILED, "bad\r\n::warning::y\u202e"))
        text = out.getvalue()
        assert "\n::" not in text and "\r" not in text and "\u202e" not in text
        assert "x\\n::error file=a::pwned" in text
