"""Runs: Run and RunInfo, the process's active run (one home for it: ``_active``, ``_senders``),
starting and ending runs, and the exit and fork hooks."""

from __future__ import annotations

import atexit
import getpass
import math
import os
import sys
import threading
import time
import uuid

from . import _replay
from ._artifacts import _copy_into, _local_artifact_dir
from ._config import LOCAL_PREFIX, STATUSES, LatheTrackingError, _flush_timeout, _http_timeout, _Rejected, _Unreachable, _warn, spool_dir
from ._http import _create_run, _Http
from ._sender import _Sender


def _metric_value(value):
    number = float(value)
    if math.isfinite(number):
        return number
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


class RunInfo:
    """What MLflow's ``run.info`` carries; run_id is ``local-…`` until Lathe has created the run."""

    def __init__(self, run_id, experiment_id=None, run_name=None, artifact_uri=None, start_time=None):
        self.run_id = run_id
        self.experiment_id = experiment_id
        self.run_name = run_name
        self.artifact_uri = artifact_uri
        self.start_time = start_time
        self.end_time = None
        self.status = "RUNNING"

    def __repr__(self):
        return f"RunInfo(run_id={self.run_id!r}, experiment_id={self.experiment_id!r}, run_name={self.run_name!r}, status={self.status!r})"


class Run:
    """A run being logged to. A context manager: on exit it ends FINISHED, or FAILED when an exception escaped."""

    def __init__(self, info, attached=False, spool_directory=None):
        self.info = info
        self._wire_id = info.run_id  # the id batches name: local-… for a run Lathe has not created yet
        self._mapping = {}
        self._attached = attached
        self._ended = False
        self._spool_dir = spool_directory
        self._sender = _Sender(self)
        with _state_lock:
            _senders.append(self._sender)

    @property
    def run_id(self):
        """The run's id (also at run.info.run_id, as in MLflow)."""
        return self.info.run_id

    def __repr__(self):
        return f"<lathe.tracking.Run {self.info.run_id} {self.info.status}>"

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None or (kind is SystemExit and error.code in (None, 0)):
            status = "FINISHED"
        elif issubclass(kind, KeyboardInterrupt):
            status = "KILLED"
        else:
            status = "FAILED"
        if active_run() is self:
            end_run(status)
        else:
            self.end(status)
        return False

    def _created(self, local_id, info):
        """The sender created this run in Lathe (it started while Lathe was down)."""
        if local_id != self._wire_id:
            return
        self._mapping[local_id] = info.get("run_id")
        self._wire_id = info.get("run_id")
        self.info.run_id = info.get("run_id")
        self.info.experiment_id = info.get("experiment_id")
        self.info.artifact_uri = info.get("artifact_uri")

    def _check_open(self):
        if self._ended:
            raise LatheTrackingError(f"run {self.info.run_id} has ended")

    def log_param(self, key, value):
        self._check_open()
        self._sender.put(("p", str(key), str(value)))

    def log_params(self, params):
        for key, value in dict(params).items():
            self.log_param(key, value)

    def log_metric(self, key, value, step=None, timestamp=None):
        """Queues one point; never blocks. NaN and ±inf are sent as MLflow spells them."""
        if self._ended:
            raise LatheTrackingError(f"run {self.info.run_id} has ended")
        self._sender.put(("m", str(key), _metric_value(value), int(timestamp if timestamp is not None else time.time() * 1000), int(step or 0)))

    def log_metrics(self, metrics, step=None):
        now = int(time.time() * 1000)
        for key, value in dict(metrics).items():
            self.log_metric(key, value, step, now)

    def set_tag(self, key, value):
        self._check_open()
        self._sender.put(("t", str(key), str(value)))

    def set_tags(self, tags):
        for key, value in dict(tags).items():
            self.set_tag(key, value)

    def log_artifact(self, local_path, artifact_path=None):
        """Copies a file (or folder) into the run's artifact folder; answers where it went."""
        self._check_open()
        if not os.path.exists(local_path):
            raise FileNotFoundError(local_path)
        root = _local_artifact_dir(self.info.artifact_uri)
        if root is not None:
            return _copy_into(local_path, root, artifact_path)
        if self.info.artifact_uri:
            _warn(f"run {self.info.run_id} keeps artifacts at {self.info.artifact_uri!r}, not on this disk; {local_path} was not logged")
            return None
        # Lathe was down when the run started: keep a copy in the spool, placed once the run exists.
        holder = os.path.join(self._spool_dir or spool_dir(), "artifacts", uuid.uuid4().hex)
        for attempt in range(3):
            try:
                copy = _copy_into(local_path, holder)
                break
            except FileNotFoundError:
                # A replay of the spool removes an empty artifacts/ folder: it may go between
                # makedirs making it and making our folder inside. Made again, it stays.
                if attempt == 2 or not os.path.exists(local_path):
                    raise
        self._sender.put(("r", {"type": "artifact", "id": uuid.uuid4().hex, "run_id": self._wire_id, "path": copy, "artifact_path": artifact_path}))
        return copy

    def flush(self, timeout=None):
        return self._sender.flush(timeout)

    def end(self, status="FINISHED", timeout=None):
        """Ends the run (not a job's run, whose status is the runner's) and waits for its data:
        True when all of it is acknowledged by Lathe or in the spool within the timeout."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        if self._ended:
            return True
        now = int(time.time() * 1000)
        if not self._attached:
            self._sender.put(("r", {"type": "update-run", "id": uuid.uuid4().hex, "run_id": self._wire_id, "status": status, "end_time": now}))
        self.info.status = status
        self.info.end_time = now
        self._ended = True
        return self._sender.flush(_flush_timeout() if timeout is None else timeout)


_state_lock = threading.RLock()
_active = None
_senders = []
_hooks_installed = False
_uncaught = None  # the type of an exception that reached sys.excepthook


def _install_hooks():
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    previous = sys.excepthook

    def hook(kind, error, traceback):
        global _uncaught
        _uncaught = kind
        previous(kind, error, traceback)

    sys.excepthook = hook
    atexit.register(_at_exit)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)


def _after_fork():
    """A forked child (a DataLoader worker…) starts with no run: the parent's sender is not its own."""
    global _active, _senders
    _active = None
    _senders = []
    _replay._own_spools.clear()


def _at_exit():
    deadline = time.monotonic() + _flush_timeout()
    left = lambda: max(0.0, deadline - time.monotonic())  # noqa: E731
    try:
        run = _active
        if run is not None:
            status = "FINISHED" if _uncaught is None else "KILLED" if issubclass(_uncaught, KeyboardInterrupt) else "FAILED"
            end_run(status, timeout=left())
        for sender in list(_senders):
            sender.flush(left())
    finally:
        for sender in list(_senders):
            try:
                sender.abandon()
            except Exception as error:
                _warn(f"could not spool what was left: {error!r}")


def start_run(run_name=None, experiment_name=None, tags=None):
    """Starts a run (and makes it the active one); use it as a context manager.

    In a Lathe training job (LATHE_RUN_ID set) it attaches to the job's run. When Lathe cannot be
    reached the run is created later from the spool; its info.run_id is ``local-…`` until then."""
    global _active
    with _state_lock:
        if _active is not None:
            raise LatheTrackingError(f"run {_active.info.run_id} is already active: end it first (end_run())")
        _install_hooks()
        _senders[:] = [s for s in _senders if s.thread.is_alive()]
        directory = spool_dir()
        client = _Http(timeout=min(5.0, _http_timeout()))
        start = int(time.time() * 1000)
        tag_list = [{"key": str(k), "value": str(v)} for k, v in dict(tags or {}).items()]
        attached = os.environ.get("LATHE_RUN_ID")
        if attached:
            info = RunInfo(attached, os.environ.get("LATHE_EXPERIMENT_ID"), run_name, None, start)
            try:
                known = client.call("GET", "runs/get", query={"run_id": attached})["run"]["info"]
                info.artifact_uri = known.get("artifact_uri")
                info.run_name = known.get("run_name")
            except (_Unreachable, _Rejected):
                pass
            run = Run(info, attached=True, spool_directory=directory)
            run.set_tags({t["key"]: t["value"] for t in tag_list})
        else:
            experiment = experiment_name or os.environ.get("LATHE_EXPERIMENT") or "Default"
            defaults = {"mlflow.source.name": os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python", "mlflow.source.type": "LOCAL"}
            try:
                defaults["mlflow.user"] = getpass.getuser()
            except Exception:
                pass
            given = {t["key"] for t in tag_list}
            tag_list += [{"key": k, "value": v} for k, v in defaults.items() if k not in given]
            record = {"type": "create-run", "id": LOCAL_PREFIX + uuid.uuid4().hex, "experiment_name": experiment, "run_name": run_name, "start_time": start, "tags": tag_list}
            try:
                created = _create_run(client, record)
                info = RunInfo(created["run_id"], created.get("experiment_id"), created.get("run_name") or run_name, created.get("artifact_uri"), start)
                run = Run(info, spool_directory=directory)
            except _Unreachable as error:
                info = RunInfo(record["id"], None, run_name, None, start)
                run = Run(info, spool_directory=directory)
                run._sender.spool_now([record])
                run._sender.offline = True
                run._sender.backoff = 0.5
                run._sender.retry_at = time.monotonic() + 0.5
                _warn(f"Lathe is unreachable ({error}); run {record['id']} is spooled to {directory} and will be created when Lathe answers.")
            except _Rejected as refusal:
                raise LatheTrackingError(f"Lathe refused to start a run in experiment {experiment!r}: {refusal}") from None
        client.close()
        _active = run
    _replay._kick_foreign_replay(directory)
    return run


def active_run():
    """The active run, or None."""
    return _active


def _current():
    """The active run; one is started (as MLflow does) when a script logs without start_run()."""
    run = _active
    return run if run is not None else start_run()


def end_run(status="FINISHED", timeout=None):
    """Ends the active run (see Run.end); does nothing when there is none."""
    global _active
    with _state_lock:
        run = _active
        _active = None
    return True if run is None else run.end(status, timeout)

