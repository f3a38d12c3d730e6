"""One Module called from many Python threads, and the GIL released while
the model runs."""

import gc
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import switchyard
import sy_models
from sy_models import assert_close, bitwise_equal

THREADS = 8
CALLS = 200


@pytest.fixture(scope="module")
def wide_mlp(tmp_path_factory):
    """An MLP big enough that calls overlap (64x128 -> 256 -> 64)."""
    model, weights = sy_models.mlp(batch=64, d_in=128, d_hidden=256, d_out=64,
                                   seed=7)
    so = switchyard.compile(model, output=str(
        tmp_path_factory.mktemp("threads") / "wide_mlp.so"))
    return weights, switchyard.load(so)


def test_concurrent_calls_match_sequential(wide_mlp):
    weights, module = wide_mlp
    rng = np.random.default_rng(2024)
    inputs = [[rng.standard_normal((64, 128)).astype(np.float32)
               for _ in range(CALLS)] for _ in range(THREADS)]
    # Single-threaded first, on the same Module.
    expected = [[module(x) for x in per_thread] for per_thread in inputs]
    # And those are right (spot check against float64 numpy).
    for t in range(THREADS):
        x = inputs[t][t]
        assert_close(expected[t][t], sy_models.mlp_reference(weights, x),
                     1e-5, "sequential result")

    results = [[None] * CALLS for _ in range(THREADS)]
    errors = []
    in_flight = [0]
    max_in_flight = [0]
    counter_lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker(t):
        try:
            barrier.wait()
            for i, x in enumerate(inputs[t]):
                with counter_lock:
                    in_flight[0] += 1
                    max_in_flight[0] = max(max_in_flight[0], in_flight[0])
                try:
                    # Alternate the two calling conventions.
                    results[t][i] = (module(x) if i % 2 == 0
                                     else module.run({"x": x})["y"])
                finally:
                    with counter_lock:
                        in_flight[0] -= 1
        except BaseException as e:  # reported below, with the thread
            errors.append((t, repr(e)))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "a worker hung"
    assert not errors, errors
    mismatches = [(t, i) for t in range(THREADS) for i in range(CALLS)
                  if not bitwise_equal(results[t][i], expected[t][i])]
    assert not mismatches, (
        f"{len(mismatches)} of {THREADS * CALLS} concurrent results differ "
        f"bitwise from the sequential ones, first (thread, call): "
        f"{mismatches[:5]}")
    # The test only means something if calls did overlap.
    assert max_in_flight[0] > 1, "no two calls were ever in flight together"


# -- the GIL -------------------------------------------------------------------

def _count_during(fn):
    """Runs fn() in a thread while this thread spins a pure-Python counter;
    returns (counts per second while fn ran, fn's duration)."""
    state = {"phase": 0}

    def worker():
        state["t0"] = time.perf_counter()
        state["phase"] = 1
        fn()
        state["t1"] = time.perf_counter()
        state["phase"] = 2

    thread = threading.Thread(target=worker)
    count = 0
    thread.start()
    while state["phase"] != 2:
        if state["phase"] == 1:
            count += 1
    thread.join()
    duration = state["t1"] - state["t0"]
    return count / duration, duration


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    # 32 MatMuls of 512x512: ~8.6 GFLOP, about 0.1-0.3 s on one core.
    model = sy_models.matmul_chain(n=512, layers=32)
    so = switchyard.compile(model, output=str(
        tmp_path_factory.mktemp("gil") / "chain.so"))
    # One thread: the model takes one core and leaves the other to Python.
    return switchyard.load(so, num_threads=1)


def test_gil_released_during_call(chain):
    """While a long call runs in another thread, this thread keeps counting
    at a good fraction of the rate it reaches while the other thread sleeps
    (time.sleep releases the GIL). A call that held the GIL would let it
    count only in the switch interval around the call, which the control
    with a GIL-holding builtin (sum over a range) shows the harness sees."""
    x = np.random.default_rng(3).standard_normal((512, 512)).astype(np.float32)
    x /= np.abs(x).max()
    y = chain(x)                                   # warm up (pages, pool)
    assert np.isfinite(y).all()
    _, call_s = _count_during(lambda: chain(x))
    if call_s < 0.02:
        pytest.skip(f"the call takes {call_s * 1e3:.1f} ms: too short to "
                    "measure on this machine")

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)  # less spill-over around a GIL-holding call
    try:
        sleep_rate = max(_count_during(lambda: time.sleep(call_s))[0]
                         for _ in range(3))
        model_rate = max(_count_during(lambda: chain(x))[0] for _ in range(3))
        # Control: sum() over a range is one C call that keeps the GIL;
        # sized to last about as long as the model call.
        t0 = time.perf_counter()
        sum(range(10 ** 6))
        per_million = time.perf_counter() - t0
        n = int(10 ** 6 * max(1.0, call_s / max(per_million, 1e-6)))
        held_rate = min(_count_during(lambda: sum(range(n)))[0]
                        for _ in range(2))
    finally:
        sys.setswitchinterval(old_interval)

    summary = (f"call {call_s * 1e3:.0f} ms; counts/s: while sleeping "
               f"{sleep_rate:.3g}, during the call {model_rate:.3g}, during "
               f"a GIL-holding sum {held_rate:.3g}")
    assert held_rate < 0.2 * sleep_rate, \
        "harness check: a GIL-holding call should stop the counter; " + summary
    assert model_rate >= 0.2 * sleep_rate, \
        "the counter stalled during the call: is the GIL held? " + summary


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_runs_and_releases_a_module(wide_mlp):
    # multiprocessing forks by default on Linux: a child inherits loaded
    # modules whose thread pools have no threads in it. Running must still
    # be right (serially) and releasing the module must not hang (it waited
    # forever on the parent's workers in pthread_cond_destroy).
    module = switchyard.load(wide_mlp[1].path, num_threads=2)
    x = np.random.default_rng(7).standard_normal(
        module.signature.inputs[0].shape).astype(np.float32)
    expected = module(x)
    pid = os.fork()
    if pid == 0:  # child: report through the exit code only
        code = 1
        try:
            signal.alarm(20)
            ok = bitwise_equal(module(x), expected)
            del module
            gc.collect()
            code = 0 if ok else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), f"child killed by signal {os.WTERMSIG(status)}"
    assert os.WEXITSTATUS(status) == 0, (
        "child: 3 = wrong result, 1 = exception")
