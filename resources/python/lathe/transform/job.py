"""The data path of one batch transform job: input files -> requests -> the model -> .out files.

- Inputs: the --input file, or every non-hidden file under the --input folder (recursive, sorted by
  relative path; a file or folder whose name starts with "." is skipped). `a/b.csv` is answered in
  `<output>/a/b.csv.out`, written to a hidden temporary file beside it and renamed when complete.
- SplitType None: the whole file is one request. SplitType Line: every non-blank line is a record
  (a trailing "\\r" is dropped); MultiRecord sends as many records per request as fit in the payload
  limit (records joined by "\\n", no trailing newline), SingleRecord sends one record per request.
- AssembleWith None writes the answers back to back; Line ends each answer with one "\\n" (not added
  when the answer already ends with one).
- A request the model refuses (the model server's RequestError) or that the model's code fails on
  raises RecordError, naming the file and the line(s) of the request; the failing file's .out is removed.
"""
import json
import os
import re
import sys
import tempfile
import time
import traceback
import uuid

from ..serve import ClientError, RequestError
from ..serve.codec import CSV, JSON
from ..serve.pipeline import Context, describe

MB = 1024 * 1024
PROGRESS_INTERVAL = 0.1  # seconds between progress-file rewrites while a file is being answered
OUT_SUFFIX = ".out"
ROW = re.compile(r"\brow (\d+)\b")


class RecordError(ClientError):
    """A request of one input file failed: `<file> line N: <message>`."""


class InputFile:
    def __init__(self, path, relative):
        self.path = path
        self.relative = relative  # with "/" separators
        self.records = 0


def list_inputs(source, output):
    """[InputFile] for --input (a file, or the non-hidden files under a folder), sorted by relative path."""
    if os.path.isfile(source):
        return [InputFile(os.path.abspath(source), os.path.basename(source))]
    if not os.path.isdir(source):
        raise ClientError("--input %s does not exist" % source)
    root = os.path.realpath(source)
    target = os.path.realpath(output)
    if os.path.commonpath([root, target]) == root:
        raise ClientError("--output %s is inside --input %s; the answers would be read as input next time; "
                          "choose an output folder outside the input folder" % (output, source))
    found = []
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            path = os.path.join(folder, name)
            if not name.startswith(".") and os.path.isfile(path):
                relative = os.path.relpath(path, source).replace(os.sep, "/")
                found.append(InputFile(os.path.abspath(path), relative))
    if not found:
        raise ClientError("--input %s holds no files to transform (files and folders whose names start with "
                          "\".\" are skipped)" % source)
    return sorted(found, key=lambda item: item.relative)


def read_records(path):
    """(line number, line) for every non-blank line of the file, without its line ending."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if line.endswith(b"\r"):
                line = line[:-1]
            if line.strip():
                yield number, line


def count_records(path):
    return sum(1 for _ in read_records(path))


def _bytes(count):
    return "{:,} bytes".format(count)


def _limit_text(limit):
    return "the payload limit of %s (--max-payload-mb)" % _bytes(limit)


class Request:
    """One call: its body, how many records it holds, and the file lines they came from (None: the whole file)."""

    def __init__(self, body, records, lines=None):
        self.body = body
        self.records = records
        self.lines = lines

    def record_lines(self):
        if self.lines is None:
            self.lines = [number for number, line in enumerate(self.body.split(b"\n"), 1) if line.strip()]
        return self.lines

    def where(self, row=None):
        """' line 7' or ' lines 3-40' (with the request's `row`, 1-based, when known); '' for a whole file."""
        lines = self.record_lines() if (row is not None or self.lines is not None) else []
        if row is not None and 1 <= row <= len(lines):
            return " line %d" % lines[row - 1]
        if not lines:
            return ""
        return " line %d" % lines[0] if len(lines) == 1 else " lines %d-%d" % (lines[0], lines[-1])


def requests(item, split_type, single, limit):
    """The Requests of one input file, in order. `limit` 0 means no payload limit."""
    if split_type == "None":
        size = os.path.getsize(item.path)
        if limit and size > limit:
            raise RecordError("%s: the file is %s, over %s; with --split-type None the whole file is one request, "
                              "so use --split-type Line to send it in records" % (item.relative, _bytes(size), _limit_text(limit)))
        with open(item.path, "rb") as handle:
            yield Request(handle.read(), 1)
        return
    batch, numbers, size = [], [], 0
    for number, line in read_records(item.path):
        if limit and len(line) > limit:
            raise RecordError("%s line %d: the record is %s, over %s" % (item.relative, number, _bytes(len(line)), _limit_text(limit)))
        if batch and (single or (limit and size + 1 + len(line) > limit)):
            yield Request(b"\n".join(batch), len(batch), numbers)
            batch, numbers, size = [], [], 0
        size += len(line) + (1 if batch else 0)
        batch.append(line)
        numbers.append(number)
    if batch:
        yield Request(b"\n".join(batch), len(batch), numbers)


def atomic_write(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class Progress:
    """The --progress-file (rewritten atomically) and a stdout line at every tenth of the records."""

    def __init__(self, path, stream, files_total, records_total):
        self.path = path
        self.stream = stream
        self.state = {"files_total": files_total, "files_done": 0, "records_total": records_total,
                      "records_done": 0, "current_file": None}
        self.written = 0.0
        self.tenths = 0
        self.write()

    def write(self, force=True):
        now = time.monotonic()
        if self.path and (force or now - self.written >= PROGRESS_INTERVAL):
            atomic_write(self.path, json.dumps(self.state) + "\n")
            self.written = now

    def start_file(self, relative):
        self.state["current_file"] = relative
        self.write()

    def advance(self, records):
        self.state["records_done"] += records
        self.write(force=False)
        self._announce()

    def finish_file(self):
        self.state["files_done"] += 1
        if self.state["files_done"] == self.state["files_total"]:
            self.state["current_file"] = None
        self.write()
        self._announce()

    def _announce(self):
        done, total = self.state["records_done"], self.state["records_total"]
        if total:
            tenths = done * 10 // total
        else:
            tenths = 10 if self.state["files_done"] == self.state["files_total"] else 0
        if tenths > self.tenths:
            self.tenths = tenths
            percent = 100 * done // total if total else 100
            self.stream.write("progress: %d%% (%s of %s records)\n" % (percent, "{:,}".format(done), "{:,}".format(total)))
            self.stream.flush()


class Transform:
    """One job: a loaded lathe.serve Worker and the settings of the command line."""

    def __init__(self, worker, args, progress_stream):
        self.worker = worker
        self.content_type = args.content_type
        self.accept = args.accept
        self.split_type = args.split_type
        self.single = args.batch_strategy == "SingleRecord"
        self.limit = int(args.max_payload_mb * MB)
        self.line_assembly = args.assemble_with == "Line"
        self.output = args.output
        self.progress_file = args.progress_file
        self.progress_stream = progress_stream
        # "row N" in a message is the Nth CSV row of the request only when the default decoder read it
        self.rows_are_records = self.content_type == CSV and not (
            "input_fn" in worker.handlers or "transform_fn" in worker.handlers)

    def run(self, inputs):
        progress = Progress(self.progress_file, self.progress_stream, len(inputs), sum(item.records for item in inputs))
        for item in inputs:
            progress.start_file(item.relative)
            self.answer_file(item, progress)
            progress.finish_file()

    def answer_file(self, item, progress):
        target = os.path.join(self.output, *(item.relative.split("/"))) + OUT_SUFFIX
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for request in requests(item, self.split_type, self.single, self.limit):
                    answer = self.call(item, request)
                    handle.write(answer)
                    if self.line_assembly and not answer.endswith(b"\n"):
                        handle.write(b"\n")
                    progress.advance(request.records)
            os.replace(temporary, target)
        except BaseException as error:
            _remove(temporary)
            if isinstance(error, ClientError):
                _remove(target)  # an answer left from an earlier run would read as this run's
            raise

    def call(self, item, request):
        context = Context(self.worker.model_dir, request_id=uuid.uuid4().hex,
                          headers={"Content-Type": self.content_type, **({"Accept": self.accept} if self.accept else {})})
        try:
            body, _ = self.worker.invoke(request.body, self.content_type, self.accept, context)
            return body
        except RequestError as error:
            message, status = error.message, error.status
            if self.content_type == JSON and request.records > 1 and message.startswith("the request body is not valid JSON"):
                message += ("; MultiRecord sent %d lines as one application/json request: use --batch-strategy "
                            "SingleRecord to send one JSON document per line" % request.records)
        except Exception as error:  # noqa: BLE001 - the model's code failing fails the job with its message
            sys.stderr.write("Error answering %s%s:\n%s" % (item.relative, request.where(), traceback.format_exc()))
            sys.stderr.flush()
            message = describe(error, self.worker.program)
            status = getattr(error, "status_code", None)
            status = status if isinstance(status, int) and 400 <= status <= 599 else 500
        match = ROW.search(message) if self.rows_are_records else None
        where = request.where(int(match.group(1)) if match else None)
        raise RecordError("%s%s: %s (status %d)" % (item.relative, where, " ".join(message.split()), status))
