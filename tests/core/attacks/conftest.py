"""The shipped, trained LeNet and the offline digits, shared by the attack tests."""

import pytest


@pytest.fixture(scope="session")
def digit_split():
    """4,000 training digits and the 1,000 shipped held-out digits (float tensors)."""
    from fooling_gui.core.attacks.training import digit_split

    return digit_split()


@pytest.fixture(scope="session")
def lenet():
    from fooling_gui.core.models import load_model

    return load_model("lenet")
