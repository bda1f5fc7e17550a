"""Runs one job's process so that it outlives Lathe.

Lathe starts this detached (its own session); it starts the job's command in a process group of
its own with stdout and stderr appended to the job's log, and writes exit.json when the job ends:

    python3 -S supervise.py --dir JOBDIR --log LOG [--max-runtime S] [--grace S] -- CMD ARGS...

Signals it understands (sent by Lathe, possibly a later run of Lathe):
  SIGTERM  stop: SIGTERM to the job's group, SIGKILL after the grace period (SageMaker's StopTrainingJob).
  SIGUSR1  interrupt: SIGKILL to the job's group at once (a simulated spot interruption).
MaxRuntimeInSeconds is enforced here too, so it holds while Lathe is not running.

exit.json: {"exitCode": int|null, "signal": str|null, "reason": null|"Stopped"|"MaxRuntimeExceeded"|"Interrupted",
            "startedAt": float, "endedAt": float}
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time


def write_json(path, data):
    partial = path + ".partial"
    with open(partial, "w") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv):
    parser = argparse.ArgumentParser(prog="lathe.supervise")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--max-runtime", type=float, default=0)
    parser.add_argument("--grace", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given after --")

    started = time.time()
    state = {"reason": None}
    # Re-entrant: a second signal can arrive while the first handler holds it.
    lock = threading.RLock()
    log = open(args.log, "ab", buffering=0)
    try:
        child = subprocess.Popen(command, cwd=args.cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as error:
        log.write(("Lathe could not start %s: %s\n" % (command[0], error)).encode())
        write_json(os.path.join(args.dir, "exit.json"), {"exitCode": 127, "signal": None, "reason": None, "startedAt": started, "endedAt": time.time()})
        return 0
    write_json(os.path.join(args.dir, "supervisor.json"), {"pid": os.getpid(), "childPid": child.pid, "startedAt": started})

    def stop(reason, grace):
        with lock:
            if state["reason"] is not None:
                return
            state["reason"] = reason
        if grace <= 0:
            signal_group(child.pid, signal.SIGKILL)
            return
        signal_group(child.pid, signal.SIGTERM)
        timer = threading.Timer(grace, lambda: signal_group(child.pid, signal.SIGKILL))
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGTERM, lambda *_: stop("Stopped", args.grace))
    signal.signal(signal.SIGUSR1, lambda *_: stop("Interrupted", 0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.max_runtime > 0:
        deadline = threading.Timer(args.max_runtime, lambda: stop("MaxRuntimeExceeded", args.grace))
        deadline.daemon = True
        deadline.start()

    while True:
        try:
            code = child.wait()
            break
        except InterruptedError:
            continue
    # Whatever the job left behind in its group goes with it.
    signal_group(child.pid, signal.SIGKILL)
    exit_code = code if code >= 0 else None
    sig = signal.Signals(-code).name if code < 0 else None
    write_json(os.path.join(args.dir, "exit.json"), {"exitCode": exit_code, "signal": sig, "reason": state["reason"], "startedAt": started, "endedAt": time.time()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
