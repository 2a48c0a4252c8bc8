"""Picture the kiosk's screens at 1920×1080 for the docs: ``python -m
fooling_gui.ui.kiosk.screenshots OUT_DIR [--language de] [--config FILE --prefix NAME]``.

It drives the real kiosk (real LeNet, real evolution) through the attract loop, the
class chooser, a visitor's finished run, a "why" card and the idle warning, and saves
``kiosk_attract.png``, ``kiosk_choose.png``, ``kiosk_visitor.png``, ``kiosk_why.png``
and ``kiosk_idle.png``. With ``--config`` it shows that configuration (e.g. the ImageNet
one) instead, only paced for pictures; ``--prefix`` renames the files. Without a
display it uses Qt's offscreen platform with a 1920×1080 screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

SIZE = (1920, 1080)


def _offscreen_1920() -> None:
    """Qt's offscreen platform with one 1920×1080 screen (before the QApplication)."""
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY"):
        return
    screens = {"screens": [{"name": "kiosk", "x": 0, "y": 0, "width": SIZE[0],
                            "height": SIZE[1], "logicalDpi": 96, "logicalBpi": 96, "dpr": 1}]}
    fd, path = tempfile.mkstemp(prefix="fooling-gui-screen.", suffix=".json")
    with os.fdopen(fd, "w") as fh:
        json.dump(screens, fh)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def pause(ms: int) -> None:
    """Run the event loop for ``ms`` (QTest.qWait would hold the GIL and starve the worker)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait(predicate, timeout_s: float, poke=None) -> None:
    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("the kiosk did not reach the expected screen in time")
        if poke is not None:
            poke()
        pause(50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--language", default="en", choices=("en", "de"))
    parser.add_argument("--visitor-class", type=int, default=7,
                        help="the class the visitor picks (its class index)")
    parser.add_argument("--config", type=Path, help="a kiosk configuration to show")
    parser.add_argument("--prefix", default="kiosk", help="file names start with this")
    args = parser.parse_args(argv)
    _offscreen_1920()

    from dataclasses import replace

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ..application import make_application
    from ..timed_run import save_screenshot
    from .config import KioskConfig, load_config
    from .controller import RESULT, WHY, KioskController
    from .texts import Texts
    from .window import KioskWindow

    make_application()
    # Real runs; only the pace is quicker, and the loop holds its result for the picture.
    base = KioskConfig(language=args.language, seed=3)
    if args.config is not None:
        base, problems = load_config(args.config)
        for problem in problems:
            print(problem, file=sys.stderr)
    config = replace(base, generations_per_second=max(base.generations_per_second, 25.0),
                     hold_seconds=600.0, idle_seconds=6.0, warning_seconds=15.0,
                     heartbeat_file=None)
    texts = Texts(config.language)
    window = KioskWindow(texts)
    controller = KioskController(config, texts, window)
    window.show_kiosk()
    if (window.width(), window.height()) != SIZE:
        window.resize(*SIZE)
    controller.start()
    out = args.out_dir
    timeout = 120 if args.config is None else 3600  # an ImageNet network on a CPU: minutes
    try:
        _wait(lambda: controller.attract_phase == "holding", timeout)
        pause(300)
        save_screenshot(window, out / f"{args.prefix}_attract.png")

        controller.begin_visit()
        pause(300)
        save_screenshot(window, out / f"{args.prefix}_choose.png")

        poke = controller.idle.poke  # a visitor watching: no idle warning yet
        QTest.mouseClick(window.chooser.buttons[args.visitor_class], Qt.MouseButton.LeftButton)
        _wait(lambda: controller.state == RESULT, timeout, poke)
        pause(300)
        save_screenshot(window, out / f"{args.prefix}_visitor.png")

        _wait(lambda: window.idle.isVisible(), 30)  # nobody touches it any more
        pause(2300)  # the countdown has moved
        save_screenshot(window, out / f"{args.prefix}_idle.png")

        QTest.mouseClick(window.idle.button, Qt.MouseButton.LeftButton)
        QTest.mouseClick(window.visitor.why_button, Qt.MouseButton.LeftButton)
        _wait(lambda: controller.state == WHY, 5, poke)
        pause(300)
        save_screenshot(window, out / f"{args.prefix}_why.png")
    finally:
        controller.shutdown()
        window.allow_close()
        window.close()
    for name in ("attract", "choose", "visitor", "idle", "why"):
        print(out / f"{args.prefix}_{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
