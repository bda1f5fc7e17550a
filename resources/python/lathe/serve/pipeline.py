"""The handler chain behind /invocations: SageMaker's inference.py functions, or the defaults.

A model folder with `code/inference.py` (or the file that env SAGEMAKER_PROGRAM names in code/,
or in the folder or .tar.gz that SAGEMAKER_SUBMIT_DIRECTORY names: a script-mode estimator's code)
may define model_fn(model_dir), input_fn(body, content_type), predict_fn(data, model),
output_fn(prediction, accept) (returning bytes, str or (body, content_type)), or instead of the
last three transform_fn(model, body, content_type, accept). Each may take a trailing `context`.
Missing functions fall back to the defaults: the built-in model, codec.decode, models.default_predict
and codec.encode. text/csv and application/json bodies reach input_fn and transform_fn as str.
"""
import importlib.util
import inspect
import os
import sys
import traceback

from . import ClientError
from .codec import FORMATS, UTF8_TYPES, choose_accept, decode, encode, text_of
from .models import default_predict, feature_count, find_model_folder, load_builtin

BASE_ARITY = {"pre_model_fn": 1, "model_fn": 1, "input_fn": 2, "predict_fn": 2, "output_fn": 2, "transform_fn": 4}
SIGNATURES = {"pre_model_fn": "(model_dir)", "model_fn": "(model_dir)", "input_fn": "(request_body, content_type)",
              "predict_fn": "(data, model)", "output_fn": "(prediction, accept)",
              "transform_fn": "(model, request_body, content_type, accept)"}
COMBINED = ("input_fn", "predict_fn", "output_fn")
MAX_CUSTOM_ATTRIBUTES = 1024


class Context:
    """What a handler with a trailing `context` argument receives. A handler may set
    `response_custom_attributes` (ASCII, at most 1024 characters) to send X-Amzn-SageMaker-Custom-Attributes back."""

    def __init__(self, model_dir, request_id=None, custom_attributes=None, headers=None):
        self.model_dir = model_dir
        self.system_properties = {"model_dir": model_dir, "gpu_id": None}
        self.request_id = request_id
        self.custom_attributes = custom_attributes
        self.headers = dict(headers or {})
        self.content_type = None
        self.accept = None
        self.response_custom_attributes = None


def _takes_context(name, function, base):
    """Whether `function` wants the trailing context argument, judged by its arity (as SageMaker's toolkit does)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    variadic = any(p.kind == p.VAR_POSITIONAL for p in parameters)
    if len(positional) == base + 1 and len(required) <= base + 1:
        return True
    if len(required) <= base and (len(positional) >= base or variadic):
        return False
    raise ClientError("%s takes %d arguments; it must take %s, or those and a trailing context"
                      % (name, len(positional), SIGNATURES[name]))


class Handler:
    def __init__(self, name, function):
        self.name = name
        self.function = function
        self.takes_context = _takes_context(name, function, BASE_ARITY[name])

    def __call__(self, context, *args):
        return self.function(*args, context) if self.takes_context else self.function(*args)


def _where(error, program):
    """' (inference.py line 12)': the last line of the user's file in the traceback, if any."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == program]
    if not frames:
        return ""
    return " (%s line %d)" % (os.path.basename(program), frames[-1].lineno)


def describe(error, program=None):
    message = " ".join(str(error).split())
    text = "%s: %s" % (type(error).__name__, message) if message else type(error).__name__
    return text + (_where(error, program) if program else "")


MODEL_CODE = "/opt/ml/model/code"


def code_folder(model_dir, environ=None):
    """(folder, how to name it in messages): SAGEMAKER_SUBMIT_DIRECTORY (a folder or a .tar.gz on
    this machine, as Lathe resolves the s3:// URI a script-mode estimator's code went to), else the
    model's own code/ (also what SageMaker's "/opt/ml/model/code" means)."""
    environ = os.environ if environ is None else environ
    submit = environ.get("SAGEMAKER_SUBMIT_DIRECTORY", "").strip()
    if submit.startswith("file://"):
        submit = submit[len("file://"):]
    if not submit or submit.rstrip("/") == MODEL_CODE:
        return os.path.join(model_dir, "code"), "the model's code/"
    if "://" in submit:
        raise ClientError("SAGEMAKER_SUBMIT_DIRECTORY %r is not on this machine: Lathe resolves the s3:// URIs of its own "
                          "store when it starts the server; when starting it by hand, give a local folder" % submit)
    if os.path.isdir(submit):
        return submit, "SAGEMAKER_SUBMIT_DIRECTORY %s" % submit
    if os.path.isfile(submit) and submit.endswith((".tar.gz", ".tgz")):
        import atexit
        import shutil
        import tempfile

        from ..modelarchive import extract_model_archive

        target = tempfile.mkdtemp(prefix="lathe-sourcedir-")
        atexit.register(shutil.rmtree, target, True)  # the unpacked copy goes with this process
        try:
            extract_model_archive(submit, target)
        except Exception as error:  # noqa: BLE001 - a bad archive is the caller's to fix
            raise ClientError("SAGEMAKER_SUBMIT_DIRECTORY %s cannot be unpacked: %s" % (submit, error))
        return target, "SAGEMAKER_SUBMIT_DIRECTORY %s" % submit
    raise ClientError("SAGEMAKER_SUBMIT_DIRECTORY %r is neither a folder nor a .tar.gz on this machine" % submit)


def load_user_code(model_dir):
    """({name: Handler}, path of the program or None)."""
    code_dir, where = code_folder(model_dir)
    named = os.environ.get("SAGEMAKER_PROGRAM", "").strip()
    program = named or "inference.py"
    parts = program.replace("\\", "/").split("/")
    if not program.endswith(".py") or os.path.isabs(program) or ".." in parts or "" in parts:
        raise ClientError("SAGEMAKER_PROGRAM %r must name a .py file inside %s" % (named, where))
    path = os.path.join(code_dir, *parts)
    if not os.path.isfile(path):
        if named:
            held = ", ".join(sorted(os.listdir(code_dir))) if os.path.isdir(code_dir) else "nothing: it does not exist"
            raise ClientError("SAGEMAKER_PROGRAM names %s, but %s has no %s (it has %s)" % (named, where, named, held or "no files"))
        return {}, None
    program_dir = os.path.dirname(path)
    for folder in (program_dir, code_dir):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    module_name = os.path.basename(program)[:-3]
    shown = "code/" + program if where == "the model's code/" else program
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any failure of the user's module means it cannot be served
        traceback.print_exc(file=sys.stderr)
        hint = ("; serving imports the script (as SageMaker does), so keep its training under "
                "`if __name__ == \"__main__\":`") if where != "the model's code/" else ""
        raise ClientError("%s cannot be imported: %s%s" % (shown, describe(error, path), hint))
    handlers = {}
    for name in BASE_ARITY:
        function = getattr(module, name, None)
        if function is None:
            continue
        if not callable(function):
            raise ClientError("%s: %s is a %s, not a function" % (shown, name, type(function).__name__))
        try:
            handlers[name] = Handler(name, function)
        except ClientError as error:
            raise ClientError("%s: %s" % (shown, error))
    mixed = [name for name in COMBINED if name in handlers]
    if "transform_fn" in handlers and mixed:
        raise ClientError("%s defines transform_fn and %s; transform_fn replaces input_fn, predict_fn and "
                          "output_fn, so define either transform_fn or those" % (shown, ", ".join(mixed)))
    return handlers, path


def _shown(model_dir, program):
    """How messages name the user's program: code/inference.py in the model, else its path."""
    if not program:
        return None
    relative = os.path.relpath(program, model_dir)
    return program if relative.startswith("..") else relative.replace(os.sep, "/")


class Worker:
    """One loaded model and the handlers that answer /invocations with it."""

    def __init__(self, model_dir, model, kind, handlers, program):
        self.model_dir = model_dir
        self.model = model
        self.kind = kind
        self.handlers = handlers
        self.program = program
        self.num_features = feature_count(model)

    @classmethod
    def load(cls, model_dir):
        model_dir = find_model_folder(model_dir)  # a tarball of one folder (model/…) serves that folder
        handlers, program = load_user_code(model_dir)
        context = Context(model_dir)
        shown = _shown(model_dir, program)
        if "pre_model_fn" in handlers:
            cls._load_step(handlers["pre_model_fn"], context, model_dir, program)
        if "model_fn" in handlers:
            model = cls._load_step(handlers["model_fn"], context, model_dir, program)
            kind = "custom"
        else:
            model = load_builtin(model_dir)
            kind = model.algorithm
        if "predict_fn" not in handlers and "transform_fn" not in handlers and kind == "custom":
            if not callable(getattr(model, "predict", None)):
                raise ClientError("%s: model_fn returned a %s, which has no predict(); define predict_fn(data, model)"
                                  % (shown, type(model).__name__))
        return cls(model_dir, model, kind, handlers, program)

    @staticmethod
    def _load_step(handler, context, model_dir, program):
        try:
            return handler(context, model_dir)
        except Exception as error:  # noqa: BLE001 - the user's code failing at load is the person's to fix
            traceback.print_exc(file=sys.stderr)
            raise ClientError("%s: %s raised %s" % (_shown(model_dir, program), handler.name, describe(error, program)))

    def invoke(self, body, content_type, accept_header, context):
        """(response body bytes, its content type) for one request; RequestError for bad input."""
        handlers = self.handlers
        custom_output = "output_fn" in handlers or "transform_fn" in handlers
        accept = choose_accept(accept_header, content_type, None if custom_output else FORMATS)
        context.content_type, context.accept = content_type, accept
        if content_type in UTF8_TYPES and ("input_fn" in handlers or "transform_fn" in handlers):
            body = text_of(body)
        if "transform_fn" in handlers:
            result = handlers["transform_fn"](context, self.model, body, content_type, accept)
            return _response(result, accept, "transform_fn")
        if "input_fn" in handlers:
            data = handlers["input_fn"](context, body, content_type)
        else:
            data = decode(body, content_type, self.num_features)
        if "predict_fn" in handlers:
            prediction = handlers["predict_fn"](context, data, self.model)
        else:
            prediction = default_predict(self.model, data)
        if "output_fn" in handlers:
            return _response(handlers["output_fn"](context, prediction, accept), accept, "output_fn")
        return encode(prediction, accept), accept


def _response(result, accept, name):
    content_type = accept
    if isinstance(result, tuple) and len(result) == 2:
        result, content_type = result
    if isinstance(result, str):
        result = result.encode("utf-8")
    if not isinstance(result, (bytes, bytearray, memoryview)):
        raise TypeError("%s returned a %s; return bytes, str or (body, content_type)" % (name, type(result).__name__))
    content_type = str(content_type or accept)
    if "\r" in content_type or "\n" in content_type:
        raise ValueError("%s returned a content type with a line break" % name)
    return bytes(result), content_type


def custom_attributes_header(context):
    """The X-Amzn-SageMaker-Custom-Attributes value a handler set, checked; None when it set none."""
    value = context.response_custom_attributes
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CUSTOM_ATTRIBUTES or not all(" " <= c <= "~" for c in value):
        raise ValueError("context.response_custom_attributes must be printable ASCII text of at most %d characters"
                         % MAX_CUSTOM_ATTRIBUTES)
    return value
