"""Joining Ray: the optional extra, a local instance by default, one-sentence errors.

Ray is imported only here and only when a sweep or ``evolve --ray`` asks for it, so the
rest of fooling-gui works without the ``cluster`` extra. Without an address Ray starts
on this machine with its cores; ``auto`` joins the cluster started on this machine with
``ray start``; ``HOST:PORT`` joins the head node at that address.
"""

from __future__ import annotations

import logging
import re
import socket

from ..errors import FoolingError

INSTALL_HINT = "pip install 'fooling-gui[cluster]'"
# How long joining may take before the address is called unreachable. Ray itself keeps
# retrying a dead address for minutes.
CONNECT_TIMEOUT_S = 5.0


def import_ray():
    """The ``ray`` module, or FoolingError saying how to install the extra."""
    try:
        import ray
    except ImportError:
        raise FoolingError("Sweeps and --ray need Ray, which is not installed: "
                           f"{INSTALL_HINT}.") from None
    return ray


def connect(address: str | None = None, num_cpus: int | None = None):
    """Start or join Ray; returns the ``ray`` module, ready.

    Args:
        address: None or ``"local"``: start Ray on this machine (``num_cpus`` cores,
            default all); ``"auto"``: the cluster started here with ``ray start``;
            ``"HOST:PORT"``: that cluster's head node.
        num_cpus: cores a local instance may use.

    Reuses an instance this process already joined (tests share one).

    Raises:
        FoolingError: Ray is missing, or the cluster cannot be reached.
    """
    ray = import_ray()
    target = None if address in (None, "", "local") else str(address).strip()
    if target is not None:
        target = _reachable_address(ray, target)
    if ray.is_initialized():
        return ray
    if target is not None and str(address).strip() == "auto":
        target = "auto"  # so Ray also reads how the local cluster authenticates
    try:
        ray.init(address=target or "local", num_cpus=num_cpus if target is None else None,
                 include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                 configure_logging=True)
    except (ConnectionError, TimeoutError) as exc:
        if _wants_token(exc):
            raise FoolingError(
                f"The Ray cluster at {address} asks for its authentication token: copy "
                "~/.ray/auth_token from its head node to this machine and set "
                "RAY_AUTH_MODE=token.") from None
        raise FoolingError(_unreachable(address, exc)) from None
    except RuntimeError as exc:  # e.g. another Ray version on the cluster
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FoolingError(f"Could not join the Ray cluster at {address}: "
                           f"{first.rstrip('.')}.") from None
    return ray


def _reachable_address(ray, address: str) -> str:
    """``address`` as Ray will use it, after checking something listens there (Ray
    would otherwise retry an unreachable address for minutes)."""
    try:  # how `ray.init` reads addresses ("auto", a host name); private, hence guarded
        from ray._private.services import canonicalize_bootstrap_address
    except ImportError:
        def canonicalize_bootstrap_address(addr):
            return addr

    try:
        canonical = canonicalize_bootstrap_address(address)
    except ConnectionError:  # "auto" and nothing started here
        raise FoolingError("No Ray cluster is running on this machine: start one with "
                           "`ray start --head`, or give its address (HOST:PORT).") from None
    except ValueError:
        raise FoolingError(f"{address!r} is not a Ray address; give HOST:PORT, auto, or "
                           "nothing for a local instance.") from None
    if canonical is None:
        return None
    host, _, port = canonical.rpartition(":")
    if not host:  # nothing to check here ("auto" on an older Ray): Ray will say
        return canonical
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S):
            pass
    except (OSError, ValueError) as exc:
        raise FoolingError(_unreachable(address, exc)) from None
    return canonical


def _wants_token(exc: BaseException | None) -> bool:
    """Whether Ray refused for want of the cluster's token (Ray 2.5x token auth)."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__name__ == "AuthenticationError" or "InvalidAuthToken" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _unreachable(address, exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    return (f"Could not reach a Ray cluster at {address} ({reason}): start one there with "
            "`ray start --head`, or check the address.")


def cluster_cpus(ray) -> int:
    """Cores the joined cluster offers (at least 1)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def node_count(ray) -> int:
    """Live nodes in the joined cluster."""
    return sum(1 for n in ray.nodes() if n.get("Alive"))


def remote_error(exc: BaseException) -> BaseException:
    """What to raise for an exception from ``ray.get``: a worker's FoolingError as
    itself, a worker that could not start or was lost as one sentence, anything else
    (a bug) unchanged."""
    from ray import exceptions as rex

    cause = getattr(exc, "cause", None)
    if isinstance(cause, FoolingError):
        return FoolingError(str(cause))
    lost = tuple(getattr(rex, name) for name in ("ActorDiedError", "WorkerCrashedError",
                                                 "NodeDiedError", "OutOfMemoryError",
                                                 "ActorUnavailableError")
                 if hasattr(rex, name))
    if not isinstance(exc, lost):
        return exc
    last = _last_error_line(str(exc))
    if last.startswith("FoolingError: "):
        return FoolingError(last.removeprefix("FoolingError: "))
    if last.startswith(("ModuleNotFoundError", "ImportError")):
        return FoolingError(f"A Ray worker could not import fooling-gui ({last.rstrip('.')}): "
                            "install the same fooling-gui on every node of the cluster.")
    return FoolingError(f"A Ray worker was lost ({last[:200].rstrip('.') or type(exc).__name__}).")


def _last_error_line(text: str) -> str:
    """The last ``SomeError: message`` line of a worker's traceback text."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = [ln.strip() for ln in text.splitlines()
             if re.match(r"^\s*[A-Za-z_.]*(Error|Exception|Exit)\b.*:", ln)]
    return lines[-1] if lines else (text.strip().splitlines() or [""])[0]
