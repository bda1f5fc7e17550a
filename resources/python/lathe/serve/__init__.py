"""The model server worker: `python3 -m lathe.serve --model PATH [--host 127.0.0.1] [--port N]`.

One process is one worker. It loads a model.tar.gz (or the folder it unpacks to) made by Lathe's
built-in algorithms, or served by a `code/inference.py` (SageMaker's handler functions), then answers
the SageMaker inference contract on the loopback interface: `GET /ping` and `POST /invocations`
(docs: shared/reference/sagemaker-contracts.md §2). When it is ready it prints one JSON line to
stdout, `{"event": "ready", "port": …, "pid": …, "model": …}`; a model it cannot load prints
`ClientError: …` to stderr and exits with code 2.
"""


class ClientError(Exception):
    """The model cannot be served as given (bad archive, unsupported files, bad inference.py): exit code 2."""


class RequestError(Exception):
    """A request the worker refuses: an HTTP status and a one-line message for the caller."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message
