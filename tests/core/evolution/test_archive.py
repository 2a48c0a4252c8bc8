import numpy as np
import pytest

from fooling_gui.core.evolution import EliteArchive, GenerationStats, first_generation_reaching


def _images(batch):
    """Each offspring's image is filled with its row index, to check who won."""
    return lambda rows: np.stack([np.full((4, 4, 1), r, dtype=np.uint8) for r in rows])


def test_every_offspring_competes_for_every_class_and_one_image_may_hold_several():
    archive = EliteArchive([0, 1, 2], ["a", "b", "c"], (4, 4, 1))
    probs = np.array([[0.8, 0.1, 0.1],
                      [0.1, 0.1, 0.8],
                      [0.45, 0.1, 0.45]], dtype=np.float32)
    improved = archive.tell(["g0", "g1", "g2"], probs, 0, images=_images(3))
    assert sorted(improved) == [0, 1, 2]
    assert archive.genomes == ["g0", "g0", "g1"]  # g0 is best for both a and b (tie → first)
    assert archive.images[2, 0, 0, 0] == 1
    np.testing.assert_allclose(archive.confidences, [0.8, 0.1, 0.8], rtol=1e-6)


def test_an_elite_is_replaced_only_when_beaten():
    archive = EliteArchive([0, 1], ["a", "b"], (4, 4, 1))
    archive.tell(["old"], np.array([[0.6, 0.4]], dtype=np.float32), 0, images=_images(1))
    improved = archive.tell(["worse", "better"], np.array([[0.5, 0.5], [0.7, 0.3]],
                                                          dtype=np.float32), 1, images=_images(2))
    assert list(improved) == [0, 1]
    assert archive.genomes == ["better", "worse"]
    assert list(archive.generations) == [1, 1]
    improved = archive.tell(["same"], np.array([[0.7, 0.3]], dtype=np.float32), 2,
                            images=_images(1))
    assert improved.size == 0  # a tie does not replace


def test_cells_can_be_a_subset_of_classes_and_parents_come_from_filled_cells():
    archive = EliteArchive([7, 3], [str(i) for i in range(10)], (4, 4, 1))
    probs = np.zeros((2, 10), dtype=np.float32)
    probs[0, 7] = 0.9
    probs[1, 3] = 0.2
    archive.tell(["seven", "three"], probs, 0, images=_images(2))
    assert [e.class_name for e in archive.elites()] == ["7", "3"]
    rng = np.random.default_rng(0)
    parents = archive.parent_genomes(1000, rng)
    assert set(parents) == {"seven", "three"}
    assert 400 < parents.count("seven") < 600  # uniform over cells


def test_elites_are_private_copies():
    archive = EliteArchive([0], ["a"], (4, 4, 1))
    archive.tell(["g"], np.array([[1.0]], dtype=np.float32), 0, images=_images(1))
    e = archive.elite(0)
    archive.images[0] = 255
    assert e.image.max() == 0


def test_stats_and_generations_to_threshold():
    history = [GenerationStats.of(np.array(b), g, 10 * (g + 1), 0.1 * g, 0)
               for g, b in enumerate([[0.5, 0.1], [0.995, 0.2], [0.99995, 0.991]])]
    assert history[-1].above_99 == 2 and history[-1].above_9999 == 1
    assert list(first_generation_reaching(history, 0.99)) == [1, 2]
    assert list(first_generation_reaching(history, 0.9999)) == [2, -1]
    assert history[0].median == np.float32(np.median([0.5, 0.1]))


def test_tell_takes_exactly_one_image_source():
    archive = EliteArchive([0], ["a"], (4, 4, 1))
    probs = np.array([[0.5]], dtype=np.float32)
    with pytest.raises(TypeError, match="exactly one image source"):
        archive.tell(["g"], probs, 0)
    with pytest.raises(TypeError, match="exactly one image source"):
        archive.tell(["g"], probs, 0, images=_images(1), draw=lambda g: None)
    assert archive.filled.size == 0  # a refused tell changes nothing


def test_changes_are_counted_per_cell_for_frames():
    archive = EliteArchive([0, 1, 2], ["a", "b", "c"], (4, 4, 1))
    archive.tell(["g0", "g1"], np.array([[0.6, 0.1, 0.0], [0.1, 0.7, 0.0]],
                                        dtype=np.float32), 0, images=_images(2))
    since = archive.version
    drawn = []
    archive.tell(["g2"], np.array([[0.9, 0.0, 0.5]], dtype=np.float32), 1,
                 draw=lambda genomes: drawn.append(genomes) or np.full((len(genomes), 4, 4, 1),
                                                                       9, np.uint8))
    elites, images = archive.changed_since(since)
    assert list(elites) == [0, 2] and images.size == 0  # told lazily: not drawn yet
    assert archive.changed_since(since)[0].tolist() == [0, 2]  # asking changes nothing
    assert drawn == []
    archive.draw_pending()
    elites, images = archive.changed_since(since)
    assert list(images) == [0, 2] and archive.images_of(images).max() == 9
    everything = archive.changed_since(None)
    assert list(everything[0]) == [0, 1, 2] and list(everything[1]) == [0, 1, 2]
