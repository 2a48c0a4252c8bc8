"""Soak the kiosk and print what it measured: memory, cycles, errors, GUI latency.

Runs the real command, ``fooling-gui --kiosk --run-for SECONDS --stats FILE``, in a
child process (offscreen when there is no display) and summarises its stats file:

    python docs/measurements/kiosk_soak.py [--seconds 600] [--config kiosk.toml] [--stats st.json]

Resident memory is sampled every 5 seconds; its growth is counted from the end of the
warm-up (two minutes, or a fifth of a shorter run: the model loaded and the caches
warm), so a leak shows as growth that keeps going, not as the start-up's rise. The
figures depend on the machine and on what else runs on it; they are reported, not
judged (the opening-day check is "flat memory, no errors", read by a person).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def soak(seconds: float, config: Path | None, stats: Path) -> tuple[int, str]:
    """Run the kiosk for ``seconds``; returns its exit code and what it printed."""
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    cmd = [sys.executable, "-m", "fooling_gui", "--kiosk", "--run-for", str(seconds),
           "--stats", str(stats)]
    if config is not None:
        cmd += ["--config", str(config)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stderr


def summary_lines(s: dict) -> list[str]:
    """The stats file of a timed kiosk run as a few lines a person reads."""
    rss = s["rss_mb_summary"]
    lat = s["event_loop_latency_ms"]
    ran = (f"ran {s['elapsed_seconds']:.0f} s (time scale {s['time_scale']}), "
           f"load average {s.get('load_average')}")
    loop = (f"attract cycles {s['attract_cycles']}, visitor sessions {s['visitor_sessions']}, "
            f"generations shown {s['generations_shown']}, final state {s['final_state']}")
    errors = f"errors {s['error_count']}" + (f": {s['errors'][:3]}" if s["errors"] else "")
    memory = (f"resident memory {rss['first']:.0f} MB at start, {rss['max']:.0f} MB at most, "
              f"{rss['last']:.0f} MB at the end; after the {rss['warmup_seconds']:.0f} s "
              f"warm-up {rss['growth_after_warmup']:+.1f} MB "
              f"(at most {rss['max_growth_after_warmup']:+.1f})")
    latency = (f"GUI event-loop lateness p50 {lat['p50']} ms, p99 {lat['p99']} ms, "
               f"max {lat['max']} ms ({lat['samples']} samples)")
    return [ran, loop, errors, memory, latency]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--config", type=Path, help="the kiosk's TOML settings")
    parser.add_argument("--stats", type=Path, help="keep the full stats here (JSON)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fooling-gui-soak-") as scratch:
        stats = args.stats or Path(scratch) / "stats.json"
        code, stderr = soak(args.seconds, args.config, stats)
        if not stats.is_file():
            print(f"The kiosk wrote no stats (exit code {code}):\n{stderr}", file=sys.stderr)
            return 1
        print("\n".join(summary_lines(json.loads(stats.read_text(encoding="utf-8")))))
    if code != 0:
        print(f"The kiosk ended with exit code {code}:\n{stderr}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
