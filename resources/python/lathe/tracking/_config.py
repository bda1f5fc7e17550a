"""Limits, errors and settings shared by the tracking SDK's modules (no state)."""

from __future__ import annotations

import os
import sys

# MLflow's log-batch limits, which Lathe enforces.
MAX_METRICS = 1000
MAX_PARAMS = 100
MAX_TAGS = 100
MAX_ENTITIES = 1000

LOCAL_PREFIX = "local-"
STATUSES = ("FINISHED", "FAILED", "KILLED")
_TICK = 0.2  # seconds between sender cycles
_WAKE_AT = 1000  # queued items that wake the sender early
_FOREIGN_EVERY = 60.0  # seconds between scans for other processes' spool files


class LatheTrackingError(Exception):
    """Lathe refused a request that the caller has to fix (start_run with a bad experiment…)."""


class _Unreachable(Exception):
    """No answer worth keeping: retry later (connection error, timeout, 5xx, 401/403/408/429)."""


class _Rejected(Exception):
    """A 4xx answer: acknowledged but refused; retrying would not help."""

    def __init__(self, status, code, message):
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code


def _warn(message):
    try:
        sys.stderr.write(f"lathe.tracking: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass


def _env_float(name, default):
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def _flush_timeout():
    return _env_float("LATHE_FLUSH_TIMEOUT", 10.0)


def _http_timeout():
    return _env_float("LATHE_HTTP_TIMEOUT", 15.0)


def spool_dir():
    """Where unsent batches wait: LATHE_SPOOL_DIR, else ~/.cache/lathe/spool (XDG_CACHE_HOME)."""
    chosen = os.environ.get("LATHE_SPOOL_DIR")
    if not chosen:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        chosen = os.path.join(cache, "lathe", "spool")
    return os.path.abspath(chosen)
