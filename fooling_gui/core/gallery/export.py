"""Export elites as a gallery folder: PNGs with provenance, contact sheet, HTML, manifest.

The folder is built next to its destination and moved into place at the end
(:mod:`.replace`), so a failure never leaves a half-written gallery, and an existing
gallery — never any other folder — is replaced only when asked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ... import __version__
from ..errors import FoolingError
from ..evolution.archive import Elite
from ..files import make_temporary_folder, reason, write_json, write_text
from .contact_sheet import CONTACT_SHEET_NAME, CONTACT_SHEET_TEXT, contact_sheet
from .html_page import gallery_html
from .png_meta import write_png
from .replace import GALLERY_FORMAT, check_gallery_destination, move_into_place


@dataclass(frozen=True)
class Provenance:
    """Where a gallery's images came from."""

    model: str
    model_label: str
    weights_sha256: str
    random_init: bool
    encoding: str
    seed: int
    generations: int
    evaluations: int
    wall_seconds: float
    config: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    seeded_from: dict | None = None  # see fooling_gui.core.gallery.origin

    @classmethod
    def of_run(cls, run, seeded_from: dict | None = None) -> Provenance:
        """Provenance of an :class:`~fooling_gui.core.evolution.EvolutionRun`.

        Args:
            run: the run.
            seeded_from: where it started, when it began from another run's image
                (:func:`~fooling_gui.core.gallery.origin.seed_origin`).
        """
        generations = max(run.generation, 0)
        # The generations actually run, not the budget (open-ended in the window): with
        # this config and seed, ``fooling-gui evolve`` makes the same images again.
        config = {**run.config.to_dict(), "generations": generations}
        return cls(model=run.spec.name, model_label=run.spec.label,
                   weights_sha256=run.spec.weights_sha256, random_init=run.spec.random_init,
                   encoding=run.config.encoding, seed=run.config.seed,
                   generations=generations, evaluations=run.evaluations,
                   wall_seconds=run.wall_seconds, config=config, settings=run.settings(),
                   seeded_from=seeded_from)


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return s[:40] or "class"


def elite_filename(e: Elite) -> str:
    return f"{e.class_index:04d}_{slug(e.class_name)}.png"


def png_text(e: Elite, prov: Provenance, genome_json: dict | None) -> dict[str, str]:
    text = {
        "Software": f"fooling-gui {__version__}",
        "model": prov.model_label,
        "weights_sha256": prov.weights_sha256,
        "class_index": str(e.class_index),
        "class_name": e.class_name,
        "confidence": repr(float(e.confidence)),
        "generation": str(e.generation),
        "encoding": prov.encoding,
        "seed": str(prov.seed),
    }
    if prov.settings:  # every operator setting: how exactly the image was made
        text["settings"] = json.dumps(prov.settings, separators=(",", ":"))
    if genome_json is not None:
        text["genome"] = json.dumps(genome_json, separators=(",", ":"))
    if prov.seeded_from is not None:
        text["seeded_from"] = json.dumps(prov.seeded_from, separators=(",", ":"))
    return text


def check_destination(out_dir: str | Path, overwrite: bool) -> Path:
    """Refuse, before any work, a destination the gallery cannot go to (see
    :func:`.replace.check_gallery_destination`); returns it as an absolute path."""
    out, _notes = check_gallery_destination(out_dir, overwrite)
    return out


def export_gallery(elites: Sequence[Elite], prov: Provenance, out_dir: str | Path,
                   overwrite: bool = False, encoding=None) -> Path:
    """Write the gallery; returns the path of its ``manifest.json``.

    The folder is built beside ``out_dir`` and moved into place at the end (see
    :mod:`.replace`): a failure leaves the destination as it was.

    Args:
        elites: what to export (one PNG each).
        prov: provenance recorded in every PNG and the manifest.
        out_dir: the gallery folder to create.
        overwrite: replace an existing gallery (never a folder that is not one).
        encoding: the run's encoding; with it, CPPN genomes go into the PNGs.

    Raises:
        FoolingError: the destination is refused, or the disk fails (nothing is left
            behind and an old gallery stays in place).
    """
    out_dir = check_destination(out_dir, overwrite)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        work = make_temporary_folder(out_dir)
    except OSError as exc:
        raise FoolingError(f"Cannot write a gallery in {out_dir.parent} ({reason(exc)}).") \
            from None
    try:
        entries = []
        for e in elites:
            genome = None
            if encoding is not None and prov.encoding == "cppn":
                genome = encoding.describe(e.genome)
            name = elite_filename(e)
            write_png(work / name, e.image, png_text(e, prov, genome), clean_stale=False)
            entries.append({"class_index": e.class_index, "class_name": e.class_name,
                            "confidence": float(e.confidence), "generation": e.generation,
                            "file": name})
        manifest = _manifest(prov, entries)
        title = (f"{prov.model_label} · {prov.encoding} · seed {prov.seed} · "
                 f"generation {prov.generations}")
        if prov.config.get("preset"):  # how the images were made, at a glance
            changed = [f"{k}={v}" for k, v in prov.config.get("encoding_params", {}).items()]
            title += f" · {prov.config['preset']} preset" + "".join(f", {c}" for c in changed)
        write_png(work / CONTACT_SHEET_NAME, contact_sheet(list(elites), title=title),
                  {"Software": f"fooling-gui {__version__}", **CONTACT_SHEET_TEXT},
                  clean_stale=False)
        write_text(work / "index.html", gallery_html(manifest), clean_stale=False)
        write_json(work / "manifest.json", manifest, clean_stale=False)
        move_into_place(work, out_dir, overwrite)
    except OSError as exc:
        raise FoolingError(f"Could not write the gallery to {out_dir} ({reason(exc)}).") \
            from None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already when all went well
    return out_dir / "manifest.json"


def _manifest(prov: Provenance, entries: list[dict]) -> dict:
    confs = sorted(x["confidence"] for x in entries)
    return {
        "format": GALLERY_FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "software": f"fooling-gui {__version__}",
        "model": prov.model,
        "model_label": prov.model_label,
        "weights_sha256": prov.weights_sha256,
        "random_init": prov.random_init,
        "encoding": prov.encoding,
        "seed": prov.seed,
        "generations": prov.generations,
        "evaluations": prov.evaluations,
        "wall_seconds": round(prov.wall_seconds, 3),
        "config": prov.config,
        "settings": prov.settings,
        "seeded_from": prov.seeded_from,
        "summary": {
            "count": len(confs),
            "min_confidence": confs[0] if confs else None,
            "median_confidence": confs[len(confs) // 2] if confs else None,
            "at_least_99_99": sum(c >= 0.9999 for c in confs),
        },
        "elites": entries,
    }
