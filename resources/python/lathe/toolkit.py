"""What `train` does inside a Lathe image in script mode, as the SageMaker training toolkit does it.

    python3 -m lathe.toolkit train

(the image's /usr/local/bin/train runs exactly that; sagemaker-contracts.md §1.1, §1.4, §1.7):

- the entry point: env SM_USER_ENTRY_POINT, else the `sagemaker_program` hyperparameter
  (JSON-decoded, as the SDK encodes it);
- its argv: env SM_USER_ARGS (a JSON list), else the user hyperparameters as the toolkit's
  to_cmd_args makes them (sorted `--key value`, framework `sagemaker_*` keys left out);
- run in /opt/ml/code (or SM_MODULE_DIR when that is a local folder): `python3 entry.py args…`,
  `/bin/sh entry.sh args…`, anything else `/bin/sh -c "./entry args…"`;
- signals forwarded to it (`docker stop` → SIGTERM → the script), and the toolkit exits with its
  exit code (128 + N when signal N ended it). An empty output/success marks a clean end;
- a problem in the toolkit itself (no entry point, unreadable config) goes to output/failure,
  unless the script already wrote one, and exits 1.

Paths start at env SAGEMAKER_BASE_DIR (default /opt/ml).
"""
import json
import os
import shlex
import signal
import subprocess
import sys
import traceback

FORWARDED = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")
RESERVED = ("_tuning_objective_metric",)


class ToolkitError(Exception):
    """A problem with the job's set-up that the person can fix."""


def base_dir(env):
    return env.get("SAGEMAKER_BASE_DIR") or "/opt/ml"


def _decode(text):
    """The toolkit's read_hyperparameters: JSON-decode each value, keep the raw string if that fails."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def read_hyperparameters(base):
    file = os.path.join(base, "input", "config", "hyperparameters.json")
    if not os.path.exists(file):
        return {}
    with open(file, encoding="utf-8") as handle:
        try:
            raw = json.load(handle)
        except ValueError as error:
            raise ToolkitError("%s is not valid JSON: %s" % (file, error))
    if not isinstance(raw, dict):
        raise ToolkitError("%s must be a JSON object of name to value" % file)
    return {str(key): _decode(value) if isinstance(value, str) else value for key, value in raw.items()}


def to_cmd_args(hyperparameters):
    """Sorted `--key value` (`-k value` for a one-letter key); a dict becomes sorted k1=v1,k2=v2."""
    args = []
    for key in sorted(hyperparameters):
        value = hyperparameters[key]
        args.append(("-%s" if len(key) == 1 else "--%s") % key)
        if isinstance(value, dict):
            args.append(",".join("%s=%s" % (k, v) for k, v in sorted(value.items())))
        else:
            args.append(str(value))
    return args


def entry_point(env, hyperparameters):
    entry = env.get("SM_USER_ENTRY_POINT") or hyperparameters.get("sagemaker_program")
    if not entry or not isinstance(entry, str):
        raise ToolkitError("no entry point: set SM_USER_ENTRY_POINT or the sagemaker_program hyperparameter")
    return entry


def user_args(env, hyperparameters):
    raw = env.get("SM_USER_ARGS")
    if raw is None:
        user = {k: v for k, v in hyperparameters.items() if not k.startswith("sagemaker_") and k not in RESERVED}
        return to_cmd_args(user)
    try:
        args = json.loads(raw)
    except ValueError as error:
        raise ToolkitError("SM_USER_ARGS is not valid JSON: %s" % error)
    if not isinstance(args, list):
        raise ToolkitError("SM_USER_ARGS must be a JSON list of arguments, not %s" % type(args).__name__)
    return [str(arg) for arg in args]


def code_dir(env, base):
    module_dir = env.get("SM_MODULE_DIR")
    if module_dir and "://" not in module_dir and os.path.isdir(module_dir):
        return module_dir
    return os.path.join(base, "code")


def command(entry, args, python=None):
    """How the toolkit runs an entry point (§1.4 step 4)."""
    if entry.endswith(".py"):
        return [python or sys.executable or "python3", entry, *args]
    if entry.endswith(".sh"):
        return ["/bin/sh", entry, *args]
    return ["/bin/sh", "-c", " ".join(shlex.quote(part) for part in ["./" + entry, *args])]


def plan(env):
    """(argv, cwd) of the user's script, from the environment and /opt/ml."""
    base = base_dir(env)
    hyperparameters = read_hyperparameters(base)
    entry = entry_point(env, hyperparameters)
    cwd = code_dir(env, base)
    if not os.path.isdir(cwd):
        raise ToolkitError("the code folder %s does not exist" % cwd)
    if not os.path.isfile(os.path.join(cwd, entry)):
        raise ToolkitError("entry point %s not found in %s" % (entry, cwd))
    return command(entry, user_args(env, hyperparameters)), cwd


def run_child(argv, cwd, env):
    """Runs argv with the forwarded signals passed on; its exit code (128 + N for signal N)."""
    state = {"child": None, "pending": []}

    def forward(signum, _frame):
        child = state["child"]
        if child is None:
            state["pending"].append(signum)
            return
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            pass

    for name in FORWARDED:
        signal.signal(getattr(signal, name), forward)
    child_env = dict(env)
    # Lines reach the job's log as they are printed, not when the script ends.
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    try:
        state["child"] = subprocess.Popen(argv, cwd=cwd, env=child_env)
    except OSError as error:
        raise ToolkitError("could not start %s: %s" % (argv[0], error))
    for signum in state["pending"]:
        forward(signum, None)
    while True:
        try:
            code = state["child"].wait()
            break
        except InterruptedError:
            continue
    return code if code >= 0 else 128 - code


def write_failure(base, message):
    """output/failure, unless the script wrote one already (its message wins)."""
    output = os.path.join(base, "output")
    file = os.path.join(output, "failure")
    try:
        os.makedirs(output, exist_ok=True)
        if not os.path.exists(file):
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(message)
    except OSError as error:
        sys.stderr.write("lathe.toolkit: could not write %s: %s\n" % (file, error))


def write_success(base):
    try:
        open(os.path.join(base, "output", "success"), "w").close()
    except OSError:
        pass


def train(env=None):
    env = dict(os.environ if env is None else env)
    base = base_dir(env)
    try:
        argv, cwd = plan(env)
        sys.stderr.write("lathe.toolkit: running %s in %s\n" % (" ".join(shlex.quote(a) for a in argv), cwd))
        sys.stderr.flush()
        code = run_child(argv, cwd, env)
    except ToolkitError as error:
        write_failure(base, "ClientError: %s" % error)
        sys.stderr.write("ClientError: %s\n" % error)
        return 1
    except Exception as error:  # noqa: BLE001 - a toolkit bug: reported whole, as the toolkit does
        write_failure(base, "Framework Error: \n%s\n%s" % (traceback.format_exc(), error))
        traceback.print_exc()
        return 1
    if code == 0:
        write_success(base)
    return code


def main(argv):
    if not argv or argv[0] != "train":
        sys.stderr.write("usage: python3 -m lathe.toolkit train\n")
        return 2
    return train()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
