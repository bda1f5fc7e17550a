"""The worker's HTTP/1.1 server (standard library): GET /ping, POST /invocations, 404 for the rest.

Keep-alive, TCP_NODELAY, a response written in one send, no access log. Every request needs the
X-Lathe-Worker-Token header when the worker was given a token. Bad input answers a one-line
text/plain message with its status; an exception in the model's code answers 500
`<ExceptionType>: <message>` and prints the traceback to stderr.
"""
import hmac
import socketserver
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import RequestError
from .codec import media_type
from .pipeline import Context, custom_attributes_header, describe

TOKEN_HEADER = "X-Lathe-Worker-Token"
CUSTOM_ATTRIBUTES = "X-Amzn-SageMaker-Custom-Attributes"
ROUTES = "this worker answers GET /ping and POST /invocations"


def log(line):
    """One line to stderr."""
    sys.stderr.write(" ".join(str(line).split()) + "\n")
    sys.stderr.flush()


class WorkerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, family, worker, token, max_body):
        self.address_family = family
        self.worker = worker
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body
        self.draining = False
        self._active = 0
        self._idle = threading.Condition()
        super().__init__(address, RequestHandler)

    def server_bind(self):
        # HTTPServer.server_bind looks the host name up (getfqdn), which can stall; it is not needed.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[0], self.server_address[1]

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if not isinstance(error, (BrokenPipeError, ConnectionResetError)):
            log("connection %s: %s" % (client_address, describe(error)))

    def begin(self):
        with self._idle:
            self._active += 1

    def end(self):
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout):
        """Waits until no request is being answered (or `timeout` seconds); True when idle."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lathe-serve"
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024  # headers and body leave in one send; handle_one_request flushes

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def log_error(self, format, *args):  # noqa: A002
        log("%s %s" % (self.address_string(), format % args))

    def send_error(self, code, message=None, explain=None):
        """The base class's errors (bad request line, unsupported method, …) as one-line text/plain."""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        self._reply(code, text.encode("utf-8", "replace"))

    def _reply(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=()):
        self.send_response(status)
        if body or status != 200:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if self.server.draining or self.close_connection:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _text(self, status, message):
        self._reply(status, " ".join(message.split()).encode("utf-8"))

    def _has_body(self):
        return bool(self.headers.get("Transfer-Encoding")) or self.headers.get("Content-Length", "0").strip() not in ("", "0")

    def _authorized(self):
        expected = self.server.token
        if expected is None:
            return True
        given = self.headers.get(TOKEN_HEADER)
        if given is not None and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected):
            return True
        self.close_connection = self._has_body()
        self._text(403, "this worker needs the %s header" % TOKEN_HEADER if given is None
                   else "the %s header does not match this worker's token" % TOKEN_HEADER)
        return False

    def _route(self):
        return self.path.split("?", 1)[0]

    def _not_found(self):
        self.close_connection = self.close_connection or self._has_body()
        self._text(404, "no route %s %s; %s" % (self.command, self._route()[:200], ROUTES))

    def _serve(self, answer):
        self.server.begin()
        try:
            if self._authorized():
                answer()
        finally:
            self.server.end()

    def do_GET(self):
        self._serve(self._ping if self._route() == "/ping" else self._not_found)

    def do_POST(self):
        self._serve(self._invoke if self._route() == "/invocations" else self._not_found)

    def do_HEAD(self):
        self._serve(self._not_found)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD

    def _ping(self):
        self.close_connection = self.close_connection or self._has_body()
        self._reply(200)

    def _invoke(self):
        context = Context(self.server.worker.model_dir,
                          request_id=self.headers.get("X-Amzn-SageMaker-Inference-Id") or uuid.uuid4().hex,
                          custom_attributes=self.headers.get(CUSTOM_ATTRIBUTES),
                          headers=self.headers.items())
        try:
            body = self._read_body()
        except RequestError as error:
            self._text(error.status, error.message)
            return
        except (ConnectionError, TimeoutError) as error:
            self.close_connection = True
            log("reading the request body: %s" % describe(error))
            return
        try:
            payload, content_type = self.server.worker.invoke(
                body, media_type(self.headers.get("Content-Type")), self.headers.get("Accept"), context)
            attributes = custom_attributes_header(context)
        except RequestError as error:
            self._text(error.status, error.message)
            return
        except Exception as error:  # noqa: BLE001 - the model's code failing is answered, not fatal
            sys.stderr.write("Error answering /invocations (request %s):\n%s" % (context.request_id, traceback.format_exc()))
            sys.stderr.flush()
            status = getattr(error, "status_code", None)
            status = status if isinstance(status, int) and 400 <= status <= 599 else 500
            self._text(status, describe(error))
            return
        headers = [(CUSTOM_ATTRIBUTES, attributes)] if attributes is not None else []
        self._reply(200, payload, content_type, headers)

    def _read_body(self):
        encoding = self.headers.get("Transfer-Encoding")
        if encoding:
            if encoding.strip().lower() != "chunked":
                self.close_connection = True
                raise RequestError(501, "Transfer-Encoding %s is not supported; send Content-Length or chunked" % encoding[:40])
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
            if size < 0:
                raise ValueError(length)
        except ValueError:
            self.close_connection = True
            raise RequestError(400, "Content-Length %r is not a number of bytes" % length[:40])
        self._check_size(size)
        body = self.rfile.read(size)
        if len(body) < size:
            self.close_connection = True
            raise ConnectionError("the client sent %d of %d bytes" % (len(body), size))
        return body

    def _check_size(self, size):
        if size > self.server.max_body:
            self.close_connection = True
            raise RequestError(413, "the request body is %d bytes or more; this worker takes at most %d bytes "
                                    "(SAGEMAKER_MAX_PAYLOAD_IN_MB)" % (size, self.server.max_body))

    def _read_chunked(self):
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise RequestError(400, "malformed chunked request body")
            if size == 0:
                break
            total += size
            self._check_size(total)
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)
        while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)
