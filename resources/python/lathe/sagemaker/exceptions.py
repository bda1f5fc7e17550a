"""``sagemaker.exceptions``: the SDK's error for a job or endpoint that ended badly, and Lathe's own."""

from ._client import LatheError, LatheUnreachable


class UnexpectedStatusException(ValueError):
    """A training job or an endpoint ended in a status other than the one waited for."""

    def __init__(self, message, allowed_statuses, actual_status):
        super().__init__(message)
        self.allowed_statuses = allowed_statuses
        self.actual_status = actual_status


__all__ = ["UnexpectedStatusException", "LatheError", "LatheUnreachable"]
