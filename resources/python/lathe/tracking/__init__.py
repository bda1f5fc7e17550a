"""Lathe's tracking SDK: log params, metrics, tags and artifacts of a run from a script or notebook.

Use it as ``import lathe.tracking as lt`` (or ``from lathe import tracking``)::

    import lathe.tracking as lt

    with lt.start_run(run_name="xgb-eta-0.1", experiment_name="fraud"):
        lt.log_params({"eta": 0.1, "max_depth": 5})
        for step in range(100):
            lt.log_metric("auc", auc, step=step)
        lt.log_artifact("model.json")

Standard library only. Lathe is found through ``LATHE_URL`` and ``LATHE_TOKEN`` (set by Lathe's job
runner and notebook servers), else ``MLFLOW_TRACKING_URI`` and ``MLFLOW_TRACKING_TOKEN``, else the
``server.json`` a running ``lathe serve`` leaves in LATHE_HOME. It speaks Lathe's MLflow REST 2.0
routes (``/api/2.0/mlflow/...``) with the token as a bearer token. The experiment is the
``experiment_name`` argument, else ``LATHE_EXPERIMENT``, else "Default" (created when missing). In
a Lathe training job (``LATHE_RUN_ID`` set by the runner) ``start_run`` attaches to the job's run
instead of creating one, and leaves its status to the runner.

Design
------
*Off the training thread.* ``log_metric`` & co. append a tuple to an in-memory deque and return;
they never touch the network or the disk. One daemon sender thread per run wakes every 0.2 s (or
when 1,000 items are waiting), packs the deque into batches within MLflow's limits (metrics in
batches of at most 1,000 points; params and tags in batches of at most 100 each), gives each batch
a fresh ``uuid4().hex`` id, and posts it to ``runs/log-batch`` with the id in ``X-Lathe-Batch-Id``.
Lathe stores a batch id once, so sending a batch again (after a lost answer, from the spool) never
stores anything twice.

*Outcomes.* 2xx: acknowledged. A connection error, a timeout, 5xx, 401, 403, 408 or 429: Lathe is
"unreachable" for now: the batch is kept and retried with backoff (0.5 s doubling to 30 s). Any
other 4xx (a changed param, a key over the limit, an unknown run): acknowledged but refused; a
batch of several params, tags or metric keys is split into one batch per param, tag or key (ids
``<id>-<n>``) so only the culprit is lost; a refused part is dropped with a warning on stderr and
never retried.

*Spool.* When Lathe is unreachable the batches are appended to a spool file, JSON lines written
with ``fsync``: ``$LATHE_SPOOL_DIR`` or ``~/.cache/lathe/spool/``, one file per run and process,
``<run_id>-<pid>-<random>.jsonl``, held with an exclusive ``flock`` while its process lives (so no
other process replays it under its feet). Records::

    {"type": "create-run", "id": "local-…", "experiment_name", "run_name", "start_time", "tags"}
    {"type": "batch", "id", "run_id", "metrics": [{key, value, timestamp, step}], "params", "tags"}
    {"type": "update-run", "id", "run_id", "status", "end_time"}
    {"type": "artifact", "id", "run_id", "path" (a copy under <spool>/artifacts/), "artifact_path"}
    {"type": "ack", "id"}                          a record above was acknowledged
    {"type": "run-created", "local_id", "run_id"}  the create-run record was played

The file is append-only: replaying it sends every record that has no ack, in order, appending an
ack after each answer; once all are acknowledged the file is deleted. A crash anywhere at worst
sends a record again, which Lathe's batch ids (and the idempotent runs/update) absorb.

*A run started while Lathe is down* gets a client-made id ``local-<hex>``; its creation is
spooled as a create-run record and its batches name the local id. Replay creates the run first,
records the mapping (run-created), and sends the batches to the real run id. The same process's
sender replays its own spool as soon as Lathe answers again, so ``run.info.run_id`` becomes the
real id then; ``log_artifact`` before that keeps a copy in the spool and places it later.

*Replay by others.* ``start_run`` (in the background) and each sender (every 60 s while Lathe
answers) replay the spool files of other processes that are gone (their lock is free). ``python
-m lathe.tracking replay`` does the same in the foreground and exits 0 when the spool is empty.

*Exit.* An atexit hook ends the active run (FINISHED, or FAILED after an uncaught exception) and
waits at most ``LATHE_FLUSH_TIMEOUT`` seconds (default 10) for everything to be acknowledged or
spooled; what is still in memory then is written to the spool. A process killed by a signal loses
what had not reached Lathe or the spool yet (at most the last 0.2 s of logging while Lathe is
down).
"""

from __future__ import annotations

import time

from . import _run
from ._config import LOCAL_PREFIX, MAX_ENTITIES, MAX_METRICS, MAX_PARAMS, MAX_TAGS, STATUSES, LatheTrackingError, spool_dir
from ._replay import replay
from ._run import Run, RunInfo, active_run, end_run, start_run

__all__ = [
    "Run",
    "RunInfo",
    "LatheTrackingError",
    "start_run",
    "active_run",
    "end_run",
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "set_tag",
    "set_tags",
    "log_artifact",
    "flush",
    "replay",
]

# Public too, though not in __all__ (as before the split into modules): the limits, LOCAL_PREFIX,
# STATUSES, spool_dir() and main().
_PUBLIC_TOO = (LOCAL_PREFIX, MAX_ENTITIES, MAX_METRICS, MAX_PARAMS, MAX_TAGS, STATUSES, spool_dir)

# What lives in the private modules still names itself lathe.tracking (tracebacks, repr, help, pickle).
for _public in (LatheTrackingError, Run, RunInfo, start_run, active_run, end_run, replay, spool_dir):
    _public.__module__ = __name__
del _public

# The functions below act on the active run (one is started when there is none). The process's
# run state has one home, the _run module: read it there (_run._active, _run._senders), never copy it.


def log_param(key, value):
    _run._current().log_param(key, value)


def log_params(params):
    _run._current().log_params(params)


def log_metric(key, value, step=None):
    """Queues one point of the active run; returns at once (sent in batches by a background thread)."""
    _run._current().log_metric(key, value, step)


def log_metrics(metrics, step=None):
    _run._current().log_metrics(metrics, step)


def set_tag(key, value):
    _run._current().set_tag(key, value)


def set_tags(tags):
    _run._current().set_tags(tags)


def log_artifact(local_path, artifact_path=None):
    return _run._current().log_artifact(local_path, artifact_path)


def flush(timeout=None):
    """Waits until everything logged so far is acknowledged by Lathe or safely in the spool (True),
    or the timeout passed (False). Lathe being down makes it return quickly: the spool counts."""
    deadline = None if timeout is None else time.monotonic() + timeout
    complete = True
    for sender in list(_run._senders):
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        complete = sender.flush(remaining) and complete
    return complete


def main(argv=None):
    """``python -m lathe.tracking replay …`` (see __main__); answers the exit status."""
    from .__main__ import main as cli

    return cli(argv)
