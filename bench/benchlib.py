"""Shared helpers for the wasm-rr benchmark scripts (stdlib only)."""
import statistics
import subprocess
import sys
import time
from pathlib import Path


def time_command(cmd, out_path: Path, env=None) -> float:
    """Runs cmd once with stdout to a file (jco run loses piped output), in
    `env` if given; returns the wall time in seconds. Exits if the command
    fails."""
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.PIPE, env=env)
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        sys.exit(f"benchmark command failed with exit code {proc.returncode}: {' '.join(cmd)}")
    return elapsed


def try_median_time(cmd, runs: int, out_path: Path, warmup: int = 1):
    """Like median_time, for a command that may not work at all (a peer that
    cannot run some component): (median, None), or (None, why) if the first
    run fails."""
    with open(out_path, "wb") as out:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        last = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"exit code {proc.returncode}" + (f": {last[-1][:100]}" if last else "")
    return median_time(cmd, runs, out_path, warmup=max(warmup - 1, 0)), None


def median_time(cmd, runs: int, out_path: Path, warmup: int = 1) -> float:
    for _ in range(warmup):
        time_command(cmd, out_path)
    return statistics.median(time_command(cmd, out_path) for _ in range(runs))


def interleaved_times(cmds: dict, runs: int, out_path: Path, warmup: int = 1, envs=None) -> dict:
    """Times each named command `runs` times, round-robin: one run of each per
    round, in the dict's order (each in envs[name], if given). A shared
    machine that is slower for a while then slows every command alike, and a
    ratio of two commands' times in the same round stays fair (paired_ratio).
    Returns {name: [seconds, per round]}."""
    envs = envs or {}
    for _ in range(warmup):
        for name, cmd in cmds.items():
            time_command(cmd, out_path, envs.get(name))
    times = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(time_command(cmd, out_path, envs.get(name)))
    return times


def paired_ratio(times: list, base: list) -> float:
    """The median over rounds of times[i] / base[i] (interleaved_times)."""
    return statistics.median(t / b for t, b in zip(times, base))


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:10.1f} ms"
