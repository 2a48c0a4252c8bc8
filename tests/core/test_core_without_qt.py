"""The core must work where Qt is not installed (servers, notebooks, CI images)."""

import subprocess
import sys
import textwrap


def test_core_imports_and_runs_with_qt_unavailable(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        class NoQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"):
                    raise ImportError("Qt is not installed here")
        sys.meta_path.insert(0, NoQt())
        import pkgutil, importlib, fooling_gui.core as core
        for m in pkgutil.walk_packages(core.__path__, "fooling_gui.core."):
            importlib.import_module(m.name)
        from fooling_gui.core.evolution import EvolutionRun, RunConfig
        from fooling_gui.core.gallery import Provenance, export_gallery
        run = EvolutionRun(RunConfig(encoding="cppn", batch=8, generations=2))
        run.run()
        export_gallery(run.archive.elites(), Provenance.of_run(run), r"{tmp_path / 'g'}")
        assert not any(k.startswith(("PySide6", "pyqtgraph")) for k in sys.modules)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert (tmp_path / "g" / "manifest.json").is_file()
