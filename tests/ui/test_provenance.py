"""Provenance of what the window exports: a run started with "Evolve from it" names the
image it began from; manifests record the generations really run; folder names agree."""

from __future__ import annotations

import hashlib
import json

import pytest

from fooling_gui.core.evolution import RunConfig
from fooling_gui.core.gallery import read_png_text
from fooling_gui.core.gallery.origin import genome_sha256
from fooling_gui.sessions.elite_files import elite_png_text
from fooling_gui.sessions.evolution_session import EvolutionSession
from fooling_gui.ui.job_thread import JobControl

OPEN_ENDED = 10**9  # as the window runs


def step(session, config, n, seed_cell=None):
    frames = session.evolve(JobControl(interval_s=0.0), config, seed_cell)
    for _ in range(n):
        next(frames)
    frames.close()


@pytest.mark.parametrize("encoding", ["cppn", "direct"])
def test_a_seeded_runs_gallery_names_the_image_it_began_from(tmp_path, encoding):
    session = EvolutionSession()
    step(session, RunConfig(encoding=encoding, batch=12, generations=OPEN_ENDED, seed=4), 5)
    parent = session.run.archive.elite(6)
    parent_hash = genome_sha256(session.run.encoding, parent.genome)
    step(session, RunConfig(encoding=encoding, batch=12, generations=OPEN_ENDED, seed=9), 3,
         seed_cell=6)

    manifest_path = session.export(tmp_path, overwrite=False, name_in=True)
    manifest = json.loads(manifest_path.read_text())
    origin = manifest["seeded_from"]
    assert origin["genome_sha256"] == parent_hash
    assert origin["class_index"] == 6 and origin["generation"] == parent.generation
    assert origin["run"]["seed"] == 4 and origin["run"]["encoding"] == encoding
    assert origin["run"]["generations"] == 4  # generations 0-4 had run when it was picked
    assert origin["run"]["seeded_from"] is None
    # Real generation counts, and a folder named after the same generation.
    assert manifest["generations"] == manifest["config"]["generations"] == 2
    assert manifest_path.parent.name == f"lenet_{encoding}_seed9_gen2"
    # Every PNG carries the origin too, and the page says it.
    png = manifest_path.parent / manifest["elites"][0]["file"]
    assert json.loads(read_png_text(png)["seeded_from"]) == origin
    assert "Started from the image of" in (manifest_path.parent / "index.html").read_text()

    # An image saved from the inspector says the same.
    text = elite_png_text(session.elite_details(6))
    assert json.loads(text["seeded_from"]) == origin and text["seed"] == "9"
    assert len(text["genome_sha256"]) == 64


def test_a_chain_of_seeded_runs_keeps_every_origin(tmp_path):
    session = EvolutionSession()
    step(session, RunConfig(encoding="cppn", batch=10, generations=OPEN_ENDED, seed=1), 3)
    step(session, RunConfig(encoding="cppn", batch=10, generations=OPEN_ENDED, seed=2), 3,
         seed_cell=2)
    step(session, RunConfig(encoding="cppn", batch=10, generations=OPEN_ENDED, seed=3), 2,
         seed_cell=5)
    manifest = json.loads(session.export(tmp_path / "g", overwrite=False).read_text())
    origin = manifest["seeded_from"]
    assert origin["run"]["seed"] == 2 and origin["class_index"] == 5
    assert origin["run"]["seeded_from"]["run"]["seed"] == 1
    assert origin["run"]["seeded_from"]["class_index"] == 2


def test_the_cppn_genome_hash_can_be_checked_from_the_png(tmp_path):
    session = EvolutionSession()
    step(session, RunConfig(encoding="cppn", batch=10, generations=OPEN_ENDED, seed=0), 3)
    details = session.elite_details(3)
    genome = json.loads(elite_png_text(details)["genome"])["genome"]
    again = hashlib.sha256(json.dumps(genome, sort_keys=True, separators=(",", ":")).encode())
    assert again.hexdigest() == details.genome_sha256
