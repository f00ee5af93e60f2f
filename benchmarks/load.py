"""Sessions on a running dashboard over Streamlit's own WebSocket protocol, without a browser.

A ``Session`` is what a reader's browser tab is to the server: a WebSocket on ``/_stcore/stream`` that
asks for script runs (a page, its filters in the query string, as a shared link carries them) and
receives what each run draws. ``load`` runs many of them at once for a while and counts errors; the
load test (tests/test_load.py) and the upload-guard test (tests/test_upload_guard.py) use them, the
latter also to get upload addresses the way the frontend does (``upload_urls``).
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

RUN_TIMEOUT_S = 120.0
# (page, query string): every page, with the filters a reader changes (region, districts, years,
# indicator, value or % of target, tabs), as links carry them.
VIEWS = [
    ("", ""), ("", "region=GBAO"), ("", "district=Vanj&district=Panj"),
    ("map", ""), ("map", "indicator=jobs_created&mode=pct"), ("map", "region=Khatlon&view=ranking"),
    ("map", "view=table&years=2018&years=2019"),
    ("funding", ""), ("funding", "view=components"), ("funding", "programme=CRP2020&view=beneficiaries"),
    ("district", "profile=Vanj"), ("district", "profile=Dusti&by=age_group"),
    ("survey", ""), ("survey", "region=GBAO"),
    ("sources", ""), ("sources", "view=reconciliation"), ("sources", "view=quality"),
]


def server_rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (``VmRSS`` in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class RunOutcome:
    seconds: float
    errors: list[str]


class Session:
    """One WebSocket session on ``base_url`` (``http://host:port``)."""

    def __init__(self, base_url: str, timeout: float = RUN_TIMEOUT_S):
        self.timeout = timeout
        self.session_id = ""
        self._closing = ExitStack()
        self._socket = self._closing.enter_context(connect(
            base_url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], open_timeout=timeout,
            max_size=None, compression=None))

    def _send(self, message: BackMsg) -> None:
        self._socket.send(message.SerializeToString())

    def _receive(self, deadline: float) -> ForwardMsg:
        data = self._socket.recv(timeout=max(0.1, deadline - time.monotonic()))
        message = ForwardMsg()
        message.ParseFromString(data)
        if message.WhichOneof("type") == "new_session":
            self.session_id = message.new_session.initialize.session_id
        return message

    def run(self, page: str = "", query: str = "") -> RunOutcome:
        """Run the script for ``page`` (its URL path, "" for the Overview) with ``query``; the seconds
        until it finished and the errors it showed (exceptions, a missing page, a failed run)."""
        request = BackMsg()
        request.rerun_script.page_name = page
        request.rerun_script.query_string = query
        started = time.monotonic()
        deadline = started + self.timeout
        self._send(request)
        errors: list[str] = []
        while True:
            if time.monotonic() > deadline:
                return RunOutcome(time.monotonic() - started, errors + [f"{page}?{query}: no end in {self.timeout}s"])
            message = self._receive(deadline)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                errors.append(f"{page}?{query}: {message.delta.new_element.exception.message}")
            elif kind == "page_not_found":
                errors.append(f"{page}?{query}: page not found")
            elif kind == "session_event" and message.session_event.WhichOneof("type") == \
                    "script_compilation_exception":
                errors.append(f"{page}?{query}: {message.session_event.script_compilation_exception.message}")
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # a widget's first run asks for one more
                    continue
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    errors.append(f"{page}?{query}: compile error")
                return RunOutcome(time.monotonic() - started, errors)

    def upload_urls(self, file_names: list[str]) -> list[str]:
        """Upload addresses for ``file_names``, asked for as the frontend asks (any session may ask)."""
        request = BackMsg()
        request.file_urls_request.request_id = "upload-1"
        request.file_urls_request.file_names.extend(file_names)
        request.file_urls_request.session_id = self.session_id
        self._send(request)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline)
            if message.WhichOneof("type") == "file_urls_response":
                return [urls.upload_url for urls in message.file_urls_response.file_urls]

    def close(self) -> None:
        self._closing.close()


@dataclass
class LoadResult:
    sessions: int
    seconds: float
    runs: int = 0
    errors: list[str] = field(default_factory=list)
    run_seconds: list[float] = field(default_factory=list)

    def summary(self) -> str:
        times = sorted(self.run_seconds) or [float("nan")]
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        return (f"{self.sessions} sessions for {self.seconds:.0f} s: {self.runs} page runs, {len(self.errors)} errors; "
                f"run time median {statistics.median(times):.1f} s, 95th percentile {p95:.1f} s, max {times[-1]:.1f} s")


def load(base_url: str, sessions: int, seconds: float, seed: int = 0) -> LoadResult:
    """``sessions`` readers at once, each opening views (``VIEWS``, in its own seeded order) one after the
    other until ``seconds`` have passed; every run is awaited (bounded by ``RUN_TIMEOUT_S``)."""
    result = LoadResult(sessions, seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def reader(number: int) -> None:
        views = random.Random(seed + number)
        try:
            session = Session(base_url)
        except Exception as error:  # counted, so that the test shows it
            with lock:
                result.errors.append(f"session {number}: cannot connect ({error!r})")
            return
        try:
            while time.monotonic() < stop_at:
                outcome = session.run(*views.choice(VIEWS))
                with lock:
                    result.runs += 1
                    result.run_seconds.append(outcome.seconds)
                    result.errors.extend(outcome.errors)
        except Exception as error:
            with lock:
                result.errors.append(f"session {number}: {error!r}")
        finally:
            session.close()

    threads = [threading.Thread(target=reader, args=(n,), name=f"reader-{n}") for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
