"""The `train` command of a Lathe image (lathe.toolkit), run the way the image runs it."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

RESOURCES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RESOURCES)

from lathe import toolkit  # noqa: E402


def make_base(tmp_path, hyperparameters=None, files=None):
    base = tmp_path / "ml"
    (base / "input" / "config").mkdir(parents=True)
    (base / "output").mkdir()
    (base / "code").mkdir()
    (base / "input" / "config" / "hyperparameters.json").write_text(json.dumps(hyperparameters or {}))
    for name, source in (files or {}).items():
        (base / "code" / name).write_text(source)
    return base


def env_for(base, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SM_")}
    env.update({"SAGEMAKER_BASE_DIR": str(base), "PYTHONPATH": RESOURCES})
    env.update(extra)
    return env


def start(base, **extra):
    return subprocess.Popen(
        [sys.executable, "-m", "lathe.toolkit", "train"],
        env=env_for(base, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(base, **extra):
    child = start(base, **extra)
    stdout, stderr = child.communicate(timeout=60)
    return child.returncode, stdout, stderr


# Writes what it saw as JSON to stdout: argv and the working folder.
ECHO = "import json, os, sys\nprint(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd()}))\n"


def test_runs_the_entry_point_from_SM_USER_ENTRY_POINT_with_SM_USER_ARGS_in_the_code_folder(tmp_path):
    base = make_base(tmp_path, files={"train.py": ECHO})
    code, stdout, _ = run(base, SM_USER_ENTRY_POINT="train.py", SM_USER_ARGS=json.dumps(["--epochs", "3", "--lr", "0.1"]))
    assert code == 0
    assert json.loads(stdout) == {"argv": ["--epochs", "3", "--lr", "0.1"], "cwd": str(base / "code")}
    assert (base / "output" / "success").exists()
    assert not (base / "output" / "failure").exists()


def test_falls_back_to_sagemaker_program_and_the_hyperparameters_as_sorted_args(tmp_path):
    hps = {"sagemaker_program": '"fit.py"', "sagemaker_submit_directory": '"s3://b/k.tar.gz"', "lr": "0.1", "epochs": "3",
           "k": "5", "verbose": "true", "_tuning_objective_metric": "auc"}
    base = make_base(tmp_path, hyperparameters=hps, files={"fit.py": ECHO})
    code, stdout, _ = run(base)
    assert code == 0
    assert json.loads(stdout)["argv"] == ["--epochs", "3", "-k", "5", "--lr", "0.1", "--verbose", "True"]


def test_to_cmd_args_matches_the_toolkit():
    assert toolkit.to_cmd_args({"b": {"y": 2, "x": "a"}, "alpha": 0.5, "flag": False}) == ["--alpha", "0.5", "-b", "x=a,y=2", "--flag", "False"]


def test_SM_MODULE_DIR_wins_when_it_is_a_local_folder_and_is_ignored_when_it_is_s3(tmp_path):
    base = make_base(tmp_path, files={"train.py": ECHO})
    other = tmp_path / "src"
    other.mkdir()
    (other / "train.py").write_text(ECHO)
    _, stdout, _ = run(base, SM_USER_ENTRY_POINT="train.py", SM_MODULE_DIR=str(other))
    assert json.loads(stdout)["cwd"] == str(other)
    _, stdout, _ = run(base, SM_USER_ENTRY_POINT="train.py", SM_MODULE_DIR="s3://bucket/sourcedir.tar.gz")
    assert json.loads(stdout)["cwd"] == str(base / "code")


def test_runs_a_shell_entry_point_with_sh(tmp_path):
    base = make_base(tmp_path, files={"run.sh": 'echo "sh:$1:$2:$(pwd)"\n'})
    code, stdout, _ = run(base, SM_USER_ENTRY_POINT="run.sh", SM_USER_ARGS='["a b", "c"]')
    assert code == 0
    assert stdout.strip() == "sh:a b:c:%s" % (base / "code")


def test_exits_with_the_scripts_exit_code_and_leaves_its_failure_file_alone(tmp_path):
    script = "import os, sys\nopen(os.path.join(os.environ['SAGEMAKER_BASE_DIR'], 'output', 'failure'), 'w').write('bad data')\nsys.exit(3)\n"
    base = make_base(tmp_path, files={"train.py": script})
    code, _, _ = run(base, SM_USER_ENTRY_POINT="train.py")
    assert code == 3
    assert (base / "output" / "failure").read_text() == "bad data"
    assert not (base / "output" / "success").exists()


def test_a_missing_entry_point_is_written_to_the_failure_file(tmp_path):
    base = make_base(tmp_path)
    code, _, stderr = run(base)
    assert code == 1
    message = (base / "output" / "failure").read_text()
    assert message == "ClientError: no entry point: set SM_USER_ENTRY_POINT or the sagemaker_program hyperparameter"
    assert message in stderr
    code, _, _ = run(base, SM_USER_ENTRY_POINT="nope.py")
    assert code == 1
    # The first failure stays: the toolkit never overwrites one.
    assert (base / "output" / "failure").read_text() == message


def test_an_entry_point_not_in_the_code_folder_says_where_it_looked(tmp_path):
    base = make_base(tmp_path)
    code, _, _ = run(base, SM_USER_ENTRY_POINT="train.py")
    assert code == 1
    assert (base / "output" / "failure").read_text() == "ClientError: entry point train.py not found in %s" % (base / "code")


def test_a_bug_in_the_toolkit_is_reported_as_a_framework_error(tmp_path, monkeypatch):
    base = make_base(tmp_path, files={"train.py": ECHO})

    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(toolkit, "run_child", broken)
    assert toolkit.train({"SAGEMAKER_BASE_DIR": str(base), "SM_USER_ENTRY_POINT": "train.py"}) == 1
    failure = (base / "output" / "failure").read_text()
    assert failure.startswith("Framework Error: \nTraceback (most recent call last):")
    assert failure.endswith("RuntimeError: boom\n\nboom")


def wait_for(path, timeout=20):
    deadline = time.time() + timeout
    while not path.exists():
        assert time.time() < deadline, "%s never appeared" % path
        time.sleep(0.02)


def test_forwards_SIGTERM_to_the_script_and_exits_with_its_code(tmp_path):
    script = """import os, signal, sys, time
def term(signum, frame):
    print("got", signal.Signals(signum).name)
    sys.exit(7)
signal.signal(signal.SIGTERM, term)
open("ready", "w").close()
time.sleep(60)
"""
    base = make_base(tmp_path, files={"train.py": script})
    child = start(base, SM_USER_ENTRY_POINT="train.py")
    wait_for(base / "code" / "ready")
    started = time.time()
    child.send_signal(signal.SIGTERM)
    stdout, _ = child.communicate(timeout=20)
    assert child.returncode == 7
    assert stdout.strip() == "got SIGTERM"
    assert time.time() - started < 10


def test_a_script_killed_by_a_signal_exits_128_plus_the_signal(tmp_path):
    base = make_base(tmp_path, files={"train.py": "import time\nopen('ready', 'w').close()\ntime.sleep(60)\n"})
    child = start(base, SM_USER_ENTRY_POINT="train.py")
    wait_for(base / "code" / "ready")
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=20)
    assert child.returncode == 128 + signal.SIGTERM


def test_needs_the_train_argument():
    result = subprocess.run([sys.executable, "-m", "lathe.toolkit"], env={**os.environ, "PYTHONPATH": RESOURCES}, capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage: python3 -m lathe.toolkit train" in result.stderr


@pytest.mark.parametrize("raw", ['{"a": 1}', "not json"])
def test_a_malformed_SM_USER_ARGS_is_a_client_error(tmp_path, raw):
    base = make_base(tmp_path, files={"train.py": ECHO})
    code, _, _ = run(base, SM_USER_ENTRY_POINT="train.py", SM_USER_ARGS=raw)
    assert code == 1
    assert (base / "output" / "failure").read_text().startswith("ClientError: SM_USER_ARGS ")
