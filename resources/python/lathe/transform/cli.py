"""Command line of the batch transform job.

    python3 -m lathe.transform --model PATH --input PATH --output DIR
        [--content-type text/csv] [--accept TYPE] [--split-type None|Line]
        [--batch-strategy SingleRecord|MultiRecord] [--max-payload-mb 6] [--assemble-with None|Line]
        [--progress-file PATH] [--failure-file PATH]

--model is a model.tar.gz (unpacked safely into a temporary folder, removed on exit) or the folder it
was unpacked to; it is loaded once, as `python3 -m lathe.serve` loads it. Defaults follow SageMaker's
CreateTransformJob: --split-type None, --batch-strategy MultiRecord, --max-payload-mb 6 (0: no
limit), --assemble-with None; --content-type text/csv; without --accept the model server's rule
picks the answer's type (env SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, else the content type).
The model's code sees env SAGEMAKER_BATCH=True, SAGEMAKER_MAX_PAYLOAD_IN_MB,
SAGEMAKER_BATCH_STRATEGY (SINGLE_RECORD / MULTI_RECORD) and SAGEMAKER_MAX_CONCURRENT_TRANSFORMS=1.

stdout holds only progress lines, `progress: 40% (4,000 of 10,000 records)`, one per tenth of the
records (anything the model's code prints goes to stderr). --progress-file is rewritten atomically
(at most every 0.1 s while a file is answered, and at every file boundary) with
`{"files_total", "files_done", "records_total", "records_done", "current_file"}`; records are the
non-blank lines of every file (counted before the first call) with --split-type Line, else the files.

Exit 0: every .out written. Exit 2: the input or model cannot be used, or a request failed; stderr
and --failure-file get one line, `ClientError: <file> line N: <message> (status S)` (`lines N-M`
when a MultiRecord request failed on no particular line, no line for a whole-file request), and the
failing file's .out is removed (finished files stay). Exit 1: an unexpected error; its traceback goes
to stderr and `InternalError: …` to --failure-file. SIGTERM/SIGINT: stops, removes the partial .out, 143.
"""
import argparse
import os
import signal
import sys
import tempfile
import traceback

from ..serve import ClientError
from ..serve.codec import media_type

USAGE = ("python3 -m lathe.transform --model PATH --input PATH --output DIR [--content-type T] [--accept T] "
         "[--split-type None|Line] [--batch-strategy SingleRecord|MultiRecord] [--max-payload-mb 6] "
         "[--assemble-with None|Line] [--progress-file PATH] [--failure-file PATH]")
MAX_EXTRACTED_BYTES = 4 * 1024 ** 3
SPLIT_TYPES = {"none": "None", "line": "Line"}
STRATEGIES = {"singlerecord": "SingleRecord", "single_record": "SingleRecord",
              "multirecord": "MultiRecord", "multi_record": "MultiRecord"}


class Stopped(BaseException):
    """SIGTERM or SIGINT arrived."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ClientError("%s (usage: %s)" % (message, USAGE))


def _choice(table, option):
    def parse(text):
        value = table.get(text.strip().lower())
        if value is None:
            raise ClientError("%s %r is not one of %s" % (option, text, ", ".join(sorted(set(table.values())))))
        return value
    return parse


def _megabytes(text):
    try:
        value = float(text)
    except ValueError:
        raise ClientError("--max-payload-mb %r is not a number" % text)
    if not value >= 0 or value == float("inf"):
        raise ClientError("--max-payload-mb must be 0 (no limit) or more, not %s" % text)
    if 0 < value * 1024 * 1024 < 1:
        raise ClientError("--max-payload-mb %s is under one byte" % text)
    return value


def parse_arguments(argv):
    parser = _Parser(prog="python3 -m lathe.transform", allow_abbrev=False,
                     description="SageMaker batch transform, in-process: answer every input file with one model.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="model.tar.gz, or the folder it unpacks to (answered in-process)")
    source.add_argument("--server-url", help="a model server's http://127.0.0.1:<port> (a Docker image Lathe started): its /invocations answers")
    parser.add_argument("--input", required=True, help="a file, or a folder of files (recursive; hidden ones skipped)")
    parser.add_argument("--output", required=True, help="folder for <relative path>.out")
    parser.add_argument("--content-type", default="text/csv", help="Content-Type of every request (default text/csv)")
    parser.add_argument("--accept", default=None, help="Accept of every request (default: the model server's choice)")
    parser.add_argument("--split-type", default="None", type=_choice(SPLIT_TYPES, "--split-type"))
    parser.add_argument("--batch-strategy", default="MultiRecord", type=_choice(STRATEGIES, "--batch-strategy"))
    parser.add_argument("--max-payload-mb", default=6.0, type=_megabytes, help="bytes per request, in MiB; 0: no limit")
    parser.add_argument("--assemble-with", default="None", type=_choice(SPLIT_TYPES, "--assemble-with"))
    parser.add_argument("--progress-file", help="JSON progress, rewritten atomically")
    parser.add_argument("--failure-file", help="gets the one-line reason when the job fails")
    args = parser.parse_args(argv)
    args.content_type = media_type(args.content_type)
    if not args.content_type:
        raise ClientError("--content-type is empty")
    args.accept = (args.accept or "").strip() or None
    return args


def _model_dir(path, scratch):
    from ..modelarchive import ModelArchiveError, extract_model_archive

    if os.path.isdir(path):
        return os.path.abspath(path)
    if not os.path.isfile(path):
        raise ClientError("--model %s does not exist" % path)
    try:
        return extract_model_archive(path, scratch, MAX_EXTRACTED_BYTES)
    except ModelArchiveError as error:
        raise ClientError(str(error))


def _batch_environment(args):
    """What SageMaker sets in a batch transform container (contracts §2.2), for the model's code to read."""
    return {"SAGEMAKER_BATCH": "True", "SAGEMAKER_MAX_PAYLOAD_IN_MB": "%g" % args.max_payload_mb,
            "SAGEMAKER_BATCH_STRATEGY": "SINGLE_RECORD" if args.batch_strategy == "SingleRecord" else "MULTI_RECORD",
            "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS": "1"}


def transform(args, scratch, progress_stream):
    from ..serve.pipeline import Worker
    from .job import Transform, count_records, list_inputs

    inputs = list_inputs(args.input, args.output)
    for item in inputs:
        item.records = count_records(item.path) if args.split_type == "Line" else 1
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as error:
        raise ClientError("cannot create --output %s: %s" % (args.output, error.strerror or error))
    environment = _batch_environment(args)
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        if args.server_url:
            from .remote import RemoteWorker

            worker = RemoteWorker(args.server_url)
            worker.ping()
        else:
            worker = Worker.load(_model_dir(args.model, scratch))
        Transform(worker, args, progress_stream).run(inputs)
    finally:  # main() may run inside another program (the tests): leave its environment as it was
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return 0


def _progress_stream():
    """A private copy of stdout for the progress lines; fd 1 (and sys.stdout) then point at stderr, so
    prints from the model's code and libraries cannot mix with them."""
    sys.stdout.flush()
    stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return stream


def _fail(path, line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    if not path:
        return
    try:
        from .job import atomic_write

        atomic_write(path, line + "\n")
    except OSError as error:
        sys.stderr.write("cannot write --failure-file %s: %s\n" % (path, error.strerror or error))


def _stop(signum, frame):
    raise Stopped()


def _failure_file(argv):
    """--failure-file as given, even when the rest of the command line is wrong."""
    for index, argument in enumerate(argv):
        if argument == "--failure-file" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--failure-file="):
            return argument.split("=", 1)[1]
    return None


def main(argv=None, progress_stream=None):
    """The exit code. With `progress_stream` (running inside another program) progress lines go there,
    and stdout and the signal handlers are left alone."""
    argv = list(sys.argv[1:] if argv is None else argv)
    failure_file = _failure_file(argv)
    if progress_stream is None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _stop)
        progress_stream = _progress_stream()
    try:
        args = parse_arguments(argv)
        with tempfile.TemporaryDirectory(prefix="lathe-transform-") as scratch:
            return transform(args, scratch, progress_stream)
    except ClientError as error:
        _fail(failure_file, "ClientError: %s" % " ".join(str(error).split()))
        return 2
    except Stopped:
        sys.stderr.write("stopped\n")
        return 143
    except Exception as error:  # noqa: BLE001 - a failure of the job itself: traceback and exit 1
        from ..serve.pipeline import describe

        traceback.print_exc(file=sys.stderr)
        _fail(failure_file, "InternalError: %s" % describe(error))
        return 1
    finally:
        progress_stream.flush()
