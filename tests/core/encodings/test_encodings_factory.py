import colorsys

import pytest
import torch

from fooling_gui.core.encodings import CppnEncoding, DirectEncoding, Encoding, make_encoding
from fooling_gui.core.encodings.colour import hls_to_rgb, hsv_to_rgb
from fooling_gui.core.errors import FoolingError


def test_make_encoding_by_name():
    direct = make_encoding("direct", 1, (28, 28), mutation_rate=0.2)
    cppn = make_encoding("cppn", 3, (256, 256), add_node=0.1)
    assert isinstance(direct, DirectEncoding) and isinstance(direct, Encoding)
    assert isinstance(cppn, CppnEncoding) and cppn.channels == 3
    assert direct.params.mutation_rate == 0.2 and cppn.params.add_node == 0.1


def test_unknown_names_and_parameters_are_user_errors():
    with pytest.raises(FoolingError, match="Unknown encoding"):
        make_encoding("sbx", 1, (28, 28))
    with pytest.raises(FoolingError, match="no parameter"):
        make_encoding("direct", 1, (28, 28), add_node=0.5)


@pytest.mark.parametrize("convert, reference", [(hsv_to_rgb, colorsys.hsv_to_rgb),
                                                (hls_to_rgb, colorsys.hls_to_rgb)])
def test_colour_conversions_match_colorsys(convert, reference):
    values = torch.rand(3, 500, generator=torch.Generator().manual_seed(0))
    values[0, :6] = torch.tensor([0.0, 1 / 6, 1 / 3, 0.5, 2 / 3, 1.0])
    expected = torch.tensor([reference(*values[:, i].tolist()) for i in range(500)]).T
    assert torch.allclose(convert(*values), expected.float(), atol=1e-6)
