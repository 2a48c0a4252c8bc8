"""`fooling-gui sweep` and `evolve --ray` as a user runs them, and the sentences a user
gets without Ray or with a cluster that cannot be reached."""

import socket
import sys

import pytest
import torch

from fooling_gui.cli import main

SWEEP = 'models = ["lenet"]\nencodings = ["direct"]\nseeds = [{seed}]\ngenerations = [3]\nbatch = 20\n'


def sweep_file(tmp_path, seed=0):
    path = tmp_path / "grid.toml"
    path.write_text(SWEEP.format(seed=seed))
    return path


def one_sentence(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("fooling-gui:")]
    assert len(lines) == 1 and "Traceback" not in err
    return lines[0]


def test_a_sweep_run_equals_the_same_run_done_with_evolve(ray_local, tmp_path, capsys):
    assert main(["sweep", str(sweep_file(tmp_path, seed=4)), "--quiet"]) == 0
    assert "1 of 1 runs finished" in capsys.readouterr().out
    swept = tmp_path / "grid" / "runs" / "lenet-direct-seed4-gen3-all-paper"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as many as the sweep's run had (cpus_per_run)
    try:
        assert main(["evolve", "--generations", "3", "--batch", "20", "--seed", "4", "--quiet",
                     "--out", str(tmp_path / "alone")]) == 0
    finally:
        torch.set_num_threads(threads)
    alone = sorted((tmp_path / "alone").glob("*.png"))
    assert len(alone) == 11
    assert all(p.read_bytes() == (swept / p.name).read_bytes() for p in alone)


def test_evolve_on_ray_actors_writes_the_gallery_of_evolve_in_one_process(ray_local, tmp_path):
    common = ["evolve", "--generations", "3", "--batch", "30", "--seed", "2", "--quiet",
              "--eval-batch", "8", "--encoding", "cppn"]
    # Equal to the run in one process with the workers' torch threads (one each by
    # default): a forward pass's floats depend on the thread count.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main([*common, "--out", str(tmp_path / "one")]) == 0
    finally:
        torch.set_num_threads(threads)
    assert main([*common, "--ray", "--workers", "2", "--out", str(tmp_path / "ray")]) == 0
    one = sorted((tmp_path / "one").glob("*.png"))
    assert len(one) == 11
    assert all(p.read_bytes() == (tmp_path / "ray" / p.name).read_bytes() for p in one)


@pytest.mark.parametrize("command", ["sweep", "evolve"])
def test_without_the_cluster_extra_the_user_is_told_how_to_install_it(tmp_path, capsys,
                                                                      monkeypatch, command):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as when not installed
    if command == "sweep":
        argv = ["sweep", str(sweep_file(tmp_path)), "--quiet"]
    else:
        argv = ["evolve", "--ray", "--generations", "1", "--quiet", "--out", str(tmp_path / "g")]
    assert main(argv) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "need Ray, which is not installed: pip install 'fooling-gui[cluster]'." in line
    assert not (tmp_path / "g").exists()


@pytest.mark.parametrize("command", ["sweep", "evolve"])
def test_an_unreachable_cluster_is_said_in_one_sentence(tmp_path, capsys, monkeypatch, command):
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.skip("Ray is not installed (pip install 'fooling-gui[cluster]')")
    # A refused connection to this machine is not the network: lift the conftest guard.
    monkeypatch.delattr(socket.socket, "connect")
    if command == "sweep":
        argv = ["sweep", str(sweep_file(tmp_path)), "--quiet", "--address", "127.0.0.1:1"]
    else:
        argv = ["evolve", "--ray", "127.0.0.1:1", "--generations", "1", "--quiet",
                "--out", str(tmp_path / "g")]
    assert main(argv) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "Could not reach a Ray cluster at 127.0.0.1:1" in line and "ray start --head" in line


def test_a_mistake_in_the_sweep_file_is_one_sentence(tmp_path, capsys):
    path = tmp_path / "grid.toml"
    path.write_text('models = ["lenet"]\nseed = [0]\n')
    assert main(["sweep", str(path)]) == 2
    assert "unknown key 'seed'" in one_sentence(capsys.readouterr().err)
