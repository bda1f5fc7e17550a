"""A training job as the SDK's ``_TrainingJob``, and following it: its log lines as they come, its
status, and UnexpectedStatusException when it fails (with Lathe's FailureReason)."""

from __future__ import annotations

import time

from . import _client
from .exceptions import UnexpectedStatusException

ENDED = ("Completed", "Failed", "Stopped")
PAGE = 5000


def _describe(name):
    return _client.call("training.describe", {"TrainingJobName": name})


class _StatusPrinter:
    """Prints each new SecondaryStatusTransitions entry once, as the SDK's log tail does."""

    def __init__(self):
        self.seen = 0

    def show(self, description):
        transitions = description.get("SecondaryStatusTransitions") or []
        for transition in transitions[self.seen:]:
            when = (transition.get("StartTime") or "")[:19].replace("T", " ")
            message = transition.get("StatusMessage") or ""
            _client.stdout_write(f"{when} {transition.get('Status')} - {message}\n")
        self.seen = max(self.seen, len(transitions))


def follow_training_job(name, logs=True, wait=True, poll=0.5):
    """Streams the log of training job `name` (without Lathe's ``#lathe`` metric lines) until it ends;
    answers its final description. A Failed job raises UnexpectedStatusException with its FailureReason."""
    status = _StatusPrinter()
    following = 0
    last_status = 0.0
    try:
        while True:
            lines, complete = [], False
            if logs:
                page = _client.call("training.logs", {"TrainingJobName": name, "start": following, "limit": PAGE})
                lines, complete = page.get("lines") or [], bool(page.get("complete"))
                following = page.get("next", following + len(lines))
                shown = [line for line in lines if not line.startswith("#lathe ")]
                if shown:
                    _client.stdout_write("\n".join(shown) + "\n")
            if time.monotonic() - last_status >= 1.0 or not logs or (complete and not lines):
                description = _describe(name)
                last_status = time.monotonic()
                status.show(description)
                ended = description["TrainingJobStatus"] in ENDED
                if not wait or (ended and (not logs or (complete and not lines))):
                    break
            if not lines:
                time.sleep(poll)
    except KeyboardInterrupt:
        _client.note(f"stopped following training job {name}; it runs on (estimator.latest_training_job.stop() stops it)")
        raise
    if wait:
        check_training_status(description)
    return description


def check_training_status(description):
    """Raises for a Failed job; prints the SDK's closing lines for one that ended otherwise."""
    name, status = description["TrainingJobName"], description["TrainingJobStatus"]
    if status == "Failed":
        reason = description.get("FailureReason") or "(no reason given)"
        raise UnexpectedStatusException(f"Error for Training job {name}: Failed. Reason: {reason}",
                                        allowed_statuses=["Completed", "Stopped"], actual_status=status)
    if status == "Stopped":
        _client.note(f"training job {name} was stopped ({description.get('SecondaryStatus')})")
    seconds = description.get("TrainingTimeInSeconds")
    if seconds is not None:
        _client.stdout_write(f"\n{name}: {status}\nTraining seconds: {seconds}\nBillable seconds: {description.get('BillableTimeInSeconds', seconds)}\n")


class _TrainingJob:
    """``estimator.latest_training_job``: the job's name, and describe / wait / stop / logs."""

    def __init__(self, sagemaker_session, job_name):
        self.sagemaker_session = sagemaker_session
        self.job_name = job_name

    @property
    def name(self):
        return self.job_name

    def describe(self):
        return _describe(self.job_name)

    def wait(self, logs="All"):
        """Follows the job until it ends; logs False (or "None", as the SDK spells it) prints no log lines."""
        return follow_training_job(self.job_name, logs=logs not in (False, None, "None"), wait=True)

    def logs(self):
        return follow_training_job(self.job_name, logs=True, wait=False)

    def stop(self):
        _client.call("training.stop", {"TrainingJobName": self.job_name})

    def __repr__(self):
        return f"_TrainingJob(name={self.job_name!r})"
