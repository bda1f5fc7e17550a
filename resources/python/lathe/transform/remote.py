"""A model server reached over HTTP, standing in for an in-process lathe.serve Worker in a batch
transform: the Docker image a model is served by, which Lathe starts for the job and names with
--server-url (SageMaker's batch transform sends the image's /invocations its requests the same way).
Standard library only."""
import http.client
import urllib.parse

from ..serve import ClientError, RequestError

TIMEOUT_SECONDS = 60  # SageMaker's model timeout per request


class ServerError(RequestError):
    """The model server failed a request (5xx), or did not answer: its status and what it said."""


class RemoteWorker:
    """The part of lathe.serve's Worker a Transform uses, answered by a model server's /invocations."""

    handlers = {}
    program = None
    model_dir = None

    def __init__(self, url, timeout=TIMEOUT_SECONDS):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
            raise ClientError("--server-url %s must be http://127.0.0.1:<port>: Lathe's model servers listen on this machine only" % url)
        self.url = url
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def _request(self, method, path, body=None, headers=None):
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise ServerError(502, "the model server at %s did not answer (%s): it stopped, or its container was removed" % (self.url, error))

    def ping(self):
        """Refuses to start the job (ClientError) unless the server answers GET /ping with 200."""
        try:
            status, _, body = self._request("GET", "/ping")
        except ServerError as error:
            raise ClientError(error.message)
        if status != 200:
            raise ClientError("the model server at %s answered GET /ping with %d: %s" % (self.url, status, body.decode("utf-8", "replace").strip()))

    def invoke(self, body, content_type, accept, context=None):
        """(body, content type) of the server's answer; RequestError for a 4xx, ServerError for a 5xx."""
        headers = {"Content-Type": content_type, **({"Accept": accept} if accept else {})}
        status, answered, data = self._request("POST", "/invocations", body, headers)
        if 200 <= status < 300:
            return data, answered
        message = " ".join(data.decode("utf-8", "replace").split()) or "(no message)"
        if 400 <= status < 500:
            raise RequestError(status, message)
        raise ServerError(status, "the model server answered %d: %s" % (status, message))
