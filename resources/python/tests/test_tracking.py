"""The `lathe.tracking` SDK against the fake of Lathe in fake_lathe.py."""
import json
import math
import os
import subprocess
import sys
import textwrap
import time

import pytest

RESOURCES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RESOURCES)

import lathe.tracking as lt  # noqa: E402
from lathe.tracking import _http  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_lathe import TOKEN, FakeLathe, FakeState, free_port  # noqa: E402

KEYS = [f"m{k}" for k in range(10)]


@pytest.fixture
def state(tmp_path):
    return FakeState(tmp_path / "lathe-artifacts")


@pytest.fixture
def fake(state):
    server = FakeLathe(state)
    yield server
    server.stop()


@pytest.fixture
def spool(tmp_path):
    return tmp_path / "spool"


@pytest.fixture
def env(fake, spool, monkeypatch):
    """This process's environment pointed at the fake (for in-process tests)."""
    for name in ("LATHE_RUN_ID", "LATHE_EXPERIMENT", "LATHE_EXPERIMENT_ID", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LATHE_URL", fake.url)
    monkeypatch.setenv("LATHE_TOKEN", TOKEN)
    monkeypatch.setenv("LATHE_SPOOL_DIR", str(spool))
    yield
    lt.end_run()
    assert lt.flush(10)


def child_env(url, spool, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LATHE_", "MLFLOW_"))}
    env.update({"PYTHONPATH": RESOURCES, "LATHE_URL": url, "LATHE_TOKEN": TOKEN, "LATHE_SPOOL_DIR": str(spool)})
    env.update(extra)
    return env


def spooled(spool):
    return sorted(p for p in os.listdir(spool) if p.endswith(".jsonl")) if os.path.isdir(spool) else []


def replay(url, spool):
    return subprocess.run([sys.executable, "-m", "lathe.tracking", "replay"], env=child_env(url, spool), capture_output=True, text=True, timeout=60)


def assert_exactly_once(run, steps=10_000):
    by_key = {}
    for key, _value, _ts, step in run["metrics"]:
        by_key.setdefault(key, []).append(step)
    assert sorted(by_key) == KEYS
    for key, key_steps in by_key.items():
        assert len(key_steps) == steps, key
        assert len(set(key_steps)) == steps, key
        assert set(key_steps) == set(range(steps)), key


LOG_100K = textwrap.dedent(
    """
    import json, sys, time
    import lathe.tracking as lt
    halfway = int(sys.argv[1]) if len(sys.argv) > 1 else None
    slowest = 0.0
    started = time.perf_counter()
    with lt.start_run(run_name="hundred-k", experiment_name="sdk") as run:
        lt.log_params({"eta": 0.1, "max_depth": 5})
        for step in range(10_000):
            if step == halfway:
                print("halfway", run.info.run_id, flush=True)
                sys.stdin.readline()
                slowest = 0.0
            for k in range(10):
                t = time.perf_counter()
                lt.log_metric(f"m{k}", step * 0.001 + k, step=step)
                slowest = max(slowest, time.perf_counter() - t)
            if halfway is not None and step % 100 == 0:
                time.sleep(0.001)
        logged = time.perf_counter() - started
    print(json.dumps({"slowest_call_s": slowest, "logged_s": logged, "total_s": time.perf_counter() - started}), flush=True)
    """
)


def test_100k_points_across_10_keys_are_stored_exactly_once(fake, state, spool):
    done = subprocess.run([sys.executable, "-c", LOG_100K], env=child_env(fake.url, spool), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    run = state.run()
    assert len(state.runs) == 1
    assert run["info"]["status"] == "FINISHED"
    assert run["info"]["run_name"] == "hundred-k"
    assert run["params"] == {"eta": "0.1", "max_depth": "5"}
    assert_exactly_once(run)
    assert state.duplicates == 0
    assert spooled(spool) == []
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"100,000 points through the SDK to the fake: {100_000 / figures['total_s']:,.0f} points/s")


def test_server_stopped_midway_the_script_finishes_and_replay_sends_the_rest_once(tmp_path, state, spool):
    first = FakeLathe(state)
    script = subprocess.Popen(
        [sys.executable, "-c", LOG_100K, "3000"],
        env=child_env(first.url, spool, LATHE_FLUSH_TIMEOUT="5"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = script.stdout.readline()
        assert line.startswith("halfway"), script.stderr.read()
        first.stop()  # Lathe goes away with points in flight and in the queue
        resumed = time.monotonic()
        script.stdin.write("go\n")
        script.stdin.flush()
        out, err = script.communicate(timeout=60)
        finished_in = time.monotonic() - resumed
    finally:
        if script.poll() is None:
            script.kill()
    assert script.returncode == 0, err
    figures = json.loads(out.strip().splitlines()[-1])
    # The logging calls never waited on the dead server, and the exit did not hang on it.
    assert figures["slowest_call_s"] < 0.05, figures
    assert finished_in < 15, finished_in
    assert "unreachable" in err
    assert spooled(spool), "the unsent points are in the spool"
    stored = state.points()
    assert 0 < stored < 100_000

    second = FakeLathe(state)  # "restarted": same store, another port
    try:
        done = replay(second.url, spool)
        assert done.returncode == 0, done.stdout + done.stderr
        run = state.run()
        assert_exactly_once(run)
        assert state.points() == 100_000
        assert run["info"]["status"] == "FINISHED"
        assert spooled(spool) == []
        again = replay(second.url, spool)  # nothing left: still exit 0, nothing sent twice
        assert again.returncode == 0
        assert state.points() == 100_000
    finally:
        second.stop()


def test_replay_exits_nonzero_while_lathe_is_down_and_keeps_the_spool(tmp_path, state, spool):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    script = "import lathe.tracking as lt\nwith lt.start_run(run_name='offline'):\n    [lt.log_metric('loss', 1 / (s + 1), step=s) for s in range(50)]\n"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], env=child_env(url, spool), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 10
    assert len(spooled(spool)) == 1
    assert replay(url, spool).returncode == 1
    assert len(spooled(spool)) == 1


def test_a_run_started_while_lathe_is_down_is_created_on_replay_with_its_data_and_artifacts(tmp_path, state, spool):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    artifact = tmp_path / "model.json"
    artifact.write_text('{"trees": 3}')
    script = textwrap.dedent(
        f"""
        import lathe.tracking as lt
        with lt.start_run(run_name="born-offline", experiment_name="later", tags={{"team": "risk"}}) as run:
            assert run.info.run_id.startswith("local-"), run.info.run_id
            lt.log_param("eta", 0.3)
            lt.set_tag("stage", "tuning")
            for s in range(1500):
                lt.log_metric("auc", 0.5 + s / 10000, step=s)
            lt.log_artifact({str(artifact)!r}, "models")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=child_env(url, spool), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(spooled(spool)) == 1
    server = FakeLathe(state, port)
    try:
        done = replay(url, spool)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.stop()
    assert list(state.experiments) == ["later"]
    run = state.run()
    assert run["info"]["run_name"] == "born-offline"
    assert run["info"]["status"] == "FINISHED"
    assert run["params"] == {"eta": "0.3"}
    assert run["tags"]["team"] == "risk" and run["tags"]["stage"] == "tuning"
    assert sorted(s for _k, _v, _t, s in run["metrics"]) == list(range(1500))
    placed = os.path.join(run["info"]["artifact_uri"], "models", "model.json")
    assert open(placed).read() == '{"trees": 3}'
    assert spooled(spool) == []
    assert not os.path.exists(spool / "artifacts")


def test_the_same_process_sends_its_spool_when_lathe_comes_back(tmp_path, state, spool, monkeypatch):
    port = free_port()
    monkeypatch.setenv("LATHE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("LATHE_TOKEN", TOKEN)
    monkeypatch.setenv("LATHE_SPOOL_DIR", str(spool))
    monkeypatch.delenv("LATHE_RUN_ID", raising=False)
    run = lt.start_run(run_name="comeback")
    server = None
    try:
        assert run.info.run_id.startswith("local-")
        for s in range(2500):
            lt.log_metric("loss", 1 / (s + 1), step=s)
        assert lt.flush(10)  # Lathe is down: the spool counts as flushed
        assert spooled(spool)
        server = FakeLathe(state, port)
        lt.log_metric("loss", 0.0, step=2500)
        deadline = time.monotonic() + 20
        while state.points() < 2501 and time.monotonic() < deadline:
            lt.flush(5)
            time.sleep(0.1)
        assert not run.info.run_id.startswith("local-")
        assert sorted(s for _k, _v, _t, s in state.run(run.info.run_id)["metrics"]) == list(range(2501))
        lt.end_run()
        assert state.run(run.info.run_id)["info"]["status"] == "FINISHED"
        assert spooled(spool) == []
    finally:
        lt.end_run()
        if server:
            server.stop()


def test_a_5xx_is_retried_with_the_same_batch_id_and_stored_once(env, state):
    state.fail_after_store = 1
    with lt.start_run(run_name="flaky") as run:
        for s in range(3000):
            lt.log_metric("loss", s, step=s)
    assert lt.flush(10)
    stored = state.run(run.info.run_id)
    assert state.duplicates >= 1, "the batch whose answer was lost was sent again"
    assert sorted(s for _k, _v, _t, s in stored["metrics"]) == list(range(3000))
    assert stored["info"]["status"] == "FINISHED"


def test_a_refused_batch_is_dropped_with_a_warning_and_not_retried(env, state, capfd):
    with lt.start_run(run_name="changed-param") as run:
        lt.log_param("lr", 0.1)
        assert lt.flush(10)
        lt.log_params({"depth": 5, "lr": 0.2})  # one batch: refused whole, then sent param by param
        lt.log_param("lr", 0.3)
        for s in range(10):
            lt.log_metric("loss", s, step=s)
        assert lt.flush(10)
    requests = state.batch_requests
    time.sleep(1.0)
    assert state.batch_requests == requests, "nothing is retried after the refusal"
    stored = state.run(run.info.run_id)
    assert stored["params"] == {"lr": "0.1", "depth": "5"}
    assert len(stored["metrics"]) == 10
    err = capfd.readouterr().err
    assert "refused" in err and "lr" in err and "Dropped" in err
    assert stored["info"]["status"] == "FINISHED"


def test_nan_and_infinities_are_sent_as_strings(env, state):
    with lt.start_run() as run:
        lt.log_metrics({"a": float("nan"), "b": float("inf"), "c": float("-inf"), "d": 1.5}, step=3)
    raw = sorted(map(str, state.run(run.info.run_id)["raw"]))
    assert raw == ["-Infinity", "1.5", "Infinity", "NaN"]
    values = {k: v for k, v, _t, _s in state.run(run.info.run_id)["metrics"]}
    assert math.isnan(values["a"]) and values["b"] == math.inf and values["c"] == -math.inf


def test_the_context_manager_marks_the_run_failed_when_an_exception_escapes(env, state):
    with pytest.raises(ValueError):
        with lt.start_run(run_name="boom") as run:
            lt.log_metric("loss", 1.0)
            raise ValueError("diverged")
    assert lt.active_run() is None
    assert state.run(run.info.run_id)["info"]["status"] == "FAILED"
    assert len(state.run(run.info.run_id)["metrics"]) == 1


def test_log_artifact_copies_the_file_into_the_runs_artifact_folder(env, state, tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("auc 0.93\n")
    with lt.start_run(experiment_name="artifacts") as run:
        placed = lt.log_artifact(str(source))
        lt.log_artifact(str(source), "reports/daily")
    uri = state.run(run.info.run_id)["info"]["artifact_uri"]
    assert run.info.artifact_uri == uri
    assert placed == os.path.join(uri, "report.txt")
    assert open(os.path.join(uri, "report.txt")).read() == "auc 0.93\n"
    assert open(os.path.join(uri, "reports", "daily", "report.txt")).read() == "auc 0.93\n"


def test_experiment_from_the_environment_and_default(env, state, monkeypatch):
    with lt.start_run():
        pass
    monkeypatch.setenv("LATHE_EXPERIMENT", "from-env")
    with lt.start_run():
        pass
    assert sorted(state.experiments) == ["Default", "from-env"]


def test_logging_without_start_run_starts_one_and_end_run_finishes_it(env, state):
    lt.log_metric("x", 1, step=0)
    run = lt.active_run()
    assert run is not None
    lt.end_run()
    assert lt.active_run() is None
    assert state.run(run.info.run_id)["info"]["status"] == "FINISHED"
    assert len(state.run(run.info.run_id)["metrics"]) == 1


def test_server_file_wins_over_lathe_url_so_a_job_finds_a_restarted_lathe(tmp_path, monkeypatch):
    server_file = tmp_path / "server.json"
    monkeypatch.setenv("LATHE_URL", "http://127.0.0.1:1111")
    monkeypatch.setenv("LATHE_TOKEN", "old")
    monkeypatch.setenv("LATHE_SERVER_FILE", str(server_file))
    # No server file yet (Lathe is down): the URL the job was started with.
    assert _http._endpoint() == ("http://127.0.0.1:1111", "old")
    server_file.write_text(json.dumps({"url": "http://127.0.0.1:2222", "token": "new", "pid": 1}))
    assert _http._endpoint() == ("http://127.0.0.1:2222", "new")
    server_file.write_text("{not json")
    assert _http._endpoint() == ("http://127.0.0.1:1111", "old")


def test_a_confined_replay_takes_only_its_runs_records_and_only_files_from_the_spool(tmp_path, state, spool, fake):
    """A container's spool is replayed on the host: what its code wrote must not reach host files."""
    made = subprocess.run(
        [sys.executable, "-c", "import lathe.tracking as lt\nwith lt.start_run(run_name='job') as r:\n    print(r.info.run_id)"],
        env=child_env(fake.url, spool),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    run_id = made.stdout.strip()
    secret = tmp_path / "id_rsa"
    secret.write_text("host secret")
    victim = tmp_path / "victim" / "artifacts" / "keep"
    victim.mkdir(parents=True)
    (victim / "f").write_text("keep me")
    for holder, name, text in (("x1", "ok.txt", "escape"), ("x3", "good.txt", "made in the container")):
        (spool / "artifacts" / holder).mkdir(parents=True)
        (spool / "artifacts" / holder / name).write_text(text)
    (spool / "artifacts" / "x2").mkdir(parents=True)
    os.symlink(secret, spool / "artifacts" / "x2" / "link.txt")
    point = {"key": "acc", "value": 0.9, "timestamp": 1, "step": 0}
    records = [
        {"type": "batch", "id": "b1", "run_id": run_id, "metrics": [point], "params": [], "tags": []},
        {"type": "artifact", "id": "a1", "run_id": run_id, "path": str(secret), "artifact_path": "stolen"},
        {"type": "artifact", "id": "a2", "run_id": run_id, "path": "/opt/ml/.lathe-spool/artifacts/x1/ok.txt", "artifact_path": "../../escape"},
        {"type": "artifact", "id": "a3", "run_id": run_id, "path": str(victim / "f")},
        {"type": "artifact", "id": "a4", "run_id": run_id, "path": "/opt/ml/.lathe-spool/artifacts/x2/link.txt"},
        {"type": "batch", "id": "b2", "run_id": "f" * 32, "metrics": [dict(point, key="other")], "params": [], "tags": []},
        {"type": "create-run", "id": "local-zz", "run_name": "smuggled", "experiment_name": "x", "start_time": 1, "tags": {}},
        {"type": "artifact", "id": "a5", "run_id": run_id, "path": "/opt/ml/.lathe-spool/artifacts/x3/good.txt", "artifact_path": "notes"},
    ]
    (spool / "container-1-abc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    done = subprocess.run(
        [sys.executable, "-m", "lathe.tracking", "replay", "--spool-dir", str(spool), "--only-run", run_id],
        env=child_env(fake.url, spool),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    run = state.run(run_id)
    assert [(k, v) for k, v, _t, _s in run["metrics"]] == [("acc", 0.9)]
    assert len(state.runs) == 1  # no run smuggled in
    root = run["info"]["artifact_uri"]
    placed = sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, files in os.walk(root) for f in files)
    assert placed == [os.path.join("notes", "good.txt")]
    assert (victim / "f").read_text() == "keep me"
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()
    assert "confined spool" in done.stderr
