"""A run's sender: a daemon thread that packs what the run logged into batches and gets them
acknowledged by Lathe or written to the spool."""

from __future__ import annotations

import collections
import threading
import time
import uuid

from . import _replay
from ._config import _FOREIGN_EVERY, _TICK, _WAKE_AT, LOCAL_PREFIX, MAX_METRICS, MAX_PARAMS, MAX_TAGS, _Unreachable, _warn, spool_dir
from ._http import _Http
from ._spool import _SpoolFile


class _Sender:
    """A run's daemon thread: drains the deque into batches and gets them acknowledged or spooled."""

    def __init__(self, run):
        self.run = run
        self.items = collections.deque()
        self.wake = threading.Event()
        self.lock = threading.Lock()  # pending, spool, abandoned
        self.pending = collections.deque()  # packed records, neither acknowledged nor spooled
        self.spool = None
        self.spool_dirty = False  # the spool holds records without an ack
        self.abandoned = False
        self.offline = False
        self.backoff = 0.0
        self.retry_at = 0.0
        self.last_foreign = time.monotonic()
        self.client = _Http()
        self.thread = threading.Thread(target=self._loop, name=f"lathe-tracking-{run.info.run_id[:12]}", daemon=True)
        self.thread.start()

    # -- calling threads

    def put(self, item):
        self.items.append(item)
        if len(self.items) >= _WAKE_AT:
            self.wake.set()

    def flush(self, timeout=None):
        """True once everything put before the call is acknowledged by Lathe or in the spool."""
        if not self.thread.is_alive():  # done: the run ended and all of it was acknowledged
            return not self.items
        marker = threading.Event()
        item = ("f", marker)
        self.items.append(item)
        self.wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not marker.wait(0.05):
            if not self.thread.is_alive():  # it finished just as the marker went in
                try:
                    self.items.remove(item)
                except ValueError:
                    pass
                return marker.is_set() or not self.items
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True

    def spool_now(self, records):
        """Writes records straight to the spool (the create-run of a run Lathe could not create)."""
        with self.lock:
            self._spool_file().append(records)
            self.spool_dirty = True

    def abandon(self):
        """At exit: whatever is not acknowledged yet goes to the spool; the thread stops counting."""
        with self.lock:
            if self.abandoned:
                return
            self.abandoned = True
            self._pack([])
            records = [self._resolved(r) for r in self.pending]
            if records:
                self._spool_file().append(records)
                self.spool_dirty = True
            self.pending.clear()
            if self.spool is not None and not self.spool_dirty:
                self.spool.remove()
                self.spool = None

    # -- the sender thread

    def _loop(self):
        while True:
            self.wake.wait(_TICK)
            self.wake.clear()
            markers = []
            try:
                if not self._cycle(markers):
                    return
            except Exception as error:  # never die silently: report, and keep going next tick
                _warn(f"sender error: {error!r}")
            finally:
                for marker in markers:
                    marker.set()

    def _cycle(self, markers):
        with self.lock:
            if self.abandoned:
                return False
            self._pack(markers)
        forced = bool(markers)
        if self.offline and not forced and time.monotonic() < self.retry_at:
            self._spool_pending()
        else:
            was_offline = self.offline
            self._send()
            if forced and self.offline and not was_offline:
                # A passing failure (one 5xx, a reset connection): once more before a flush settles for the spool.
                time.sleep(0.5)
                self._send()
        if not self.offline and time.monotonic() - self.last_foreign > _FOREIGN_EVERY:
            self.last_foreign = time.monotonic()
            _replay._kick_foreign_replay(spool_dir())
        with self.lock:
            finished = self.run._ended and not self.items and not self.pending and self.spool is None
        return not finished

    def _pack(self, markers):
        """Drains the deque into self.pending (called with self.lock held)."""
        run_id = self.run._wire_id
        metrics, params, tags = [], {}, []

        def close_metrics():
            if metrics:
                self.pending.append({"type": "batch", "id": uuid.uuid4().hex, "run_id": run_id, "metrics": metrics[:]})
                metrics.clear()

        def close_meta():
            if params or tags:
                record = {"type": "batch", "id": uuid.uuid4().hex, "run_id": run_id}
                if params:
                    record["params"] = [{"key": k, "value": v} for k, v in params.items()]
                if tags:
                    record["tags"] = [{"key": k, "value": v} for k, v in tags]
                self.pending.append(record)
                params.clear()
                tags.clear()

        items = self.items
        while True:
            try:
                item = items.popleft()
            except IndexError:
                break
            kind = item[0]
            if kind == "m":
                metrics.append({"key": item[1], "value": item[2], "timestamp": item[3], "step": item[4]})
                if len(metrics) >= MAX_METRICS:
                    close_metrics()
            elif kind == "p":
                if item[1] in params and params[item[1]] != item[2]:
                    close_meta()  # the same key twice with two values: Lathe refuses the second alone
                params[item[1]] = item[2]
                if len(params) >= MAX_PARAMS:
                    close_meta()
            elif kind == "t":
                tags.append((item[1], item[2]))
                if len(tags) >= MAX_TAGS:
                    close_meta()
            elif kind == "r":  # a ready record: update-run, artifact
                close_metrics()
                close_meta()
                self.pending.append(item[1])
            elif kind == "f":
                markers.append(item[1])
        close_metrics()
        close_meta()

    def _resolved(self, record):
        run_id = record.get("run_id") or ""
        if run_id.startswith(LOCAL_PREFIX) and self.run._mapping.get(run_id):
            return dict(record, run_id=self.run._mapping[run_id])
        return record

    def _spool_file(self):
        if self.spool is None:
            self.spool = _SpoolFile.create(spool_dir() if self.run._spool_dir is None else self.run._spool_dir, self.run.info.run_id)
            _replay._own_spools.add(self.spool.path)
        return self.spool

    def _spool_pending(self):
        with self.lock:
            if self.abandoned or not self.pending:
                return
            records = [self._resolved(r) for r in self.pending]
            self._spool_file().append(records)
            self.pending.clear()
            self.spool_dirty = True

    def _went_offline(self, error):
        if not self.offline:
            _warn(f"Lathe is unreachable ({error}); spooling to {self.run._spool_dir or spool_dir()} and retrying.")
        self.offline = True
        self.backoff = min(30.0, max(0.5, self.backoff * 2))
        self.retry_at = time.monotonic() + self.backoff
        self._spool_pending()

    def _back_online(self):
        if self.offline:
            _warn("Lathe answers again; sending the spooled batches.")
        self.offline = False
        self.backoff = 0.0

    def _send(self):
        # The spool first: it holds the older records (and the create-run of a local run).
        if self.spool is not None and self.spool_dirty:
            try:
                complete = _replay._replay_file(self.spool, self.client, self.run._mapping, self.run._created)[0]
            except OSError as error:
                _warn(f"could not read the spool {self.spool.path}: {error}")
                complete = False
            if not complete:
                self._went_offline("no answer while replaying the spool")
                return
            with self.lock:
                if self.abandoned:
                    return
                _replay._own_spools.discard(self.spool.path)
                self.spool.remove()
                self.spool = None
                self.spool_dirty = False
            self._back_online()
        while True:
            with self.lock:
                if self.abandoned or not self.pending:
                    return
                record = self.pending[0]
            run_id = record.get("run_id") or ""
            if run_id.startswith(LOCAL_PREFIX):
                run_id = self.run._mapping.get(run_id)
            try:
                parts = _replay._send_record(self.client, record, run_id) if run_id else None
            except _Unreachable as error:
                self._went_offline(error)
                return
            if not run_id:
                _warn(f"dropped {_replay._describe(record)}: its run was never created")
            with self.lock:
                if self.abandoned:
                    return
                self.pending.popleft()
                if parts:
                    self.pending.extendleft(reversed(parts))
            self._back_online()
