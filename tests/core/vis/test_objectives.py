import math

import pytest
import torch
from torch import nn

from fooling_gui.core.vis.layers import capture_activations
from fooling_gui.core.vis.objectives import (
    VisContext,
    channel,
    class_log_odds,
    class_logit,
    class_probability,
    l2_decay,
    neuron,
)


def test_hooks_capture_conv_output_before_an_inplace_relu_and_are_removed():
    conv = nn.Conv2d(1, 2, 3)
    net = nn.Sequential(conv, nn.ReLU(inplace=True))
    x = torch.randn(2, 1, 6, 6, generator=torch.Generator().manual_seed(0))
    with capture_activations(net, ["0", "1"]) as acts:
        net(x)
    assert torch.allclose(acts["0"], conv(x))
    assert acts["0"].min() < 0 and acts["1"].min() == 0
    assert not conv._forward_hooks and not net[1]._forward_hooks


def test_hooked_activations_carry_gradients_to_the_input():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(inplace=True))
    x = torch.rand(1, 1, 5, 5, requires_grad=True)
    with capture_activations(net, ["0"]) as acts:
        net(x)
    channel("0", 1)(VisContext(x, acts)).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def ctx():
    act = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).view(2, 3, 2, 2)
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    return VisContext(images=torch.full((2, 1, 2, 2), 0.5), activations={"c": act, "f": act.sum((2, 3))},
                      logits=logits, log_probs=torch.log_softmax(logits, 1))


def test_channel_and_neuron_read_the_right_unit():
    c = ctx()
    act = c.activations["c"]
    assert torch.equal(channel("c", 1)(c), act[:, 1].mean((1, 2)))
    assert torch.equal(channel("c", [2, 0])(c), torch.stack([act[0, 2].mean(), act[1, 0].mean()]))
    assert torch.equal(neuron("c", 2)(c), act[:, 2, 1, 1])
    assert torch.equal(neuron("c", 0, y=0, x=1)(c), act[:, 0, 0, 1])
    assert torch.equal(channel("f", 1)(c), c.activations["f"][:, 1])
    with pytest.raises(ValueError):
        channel("c", [0, 1, 2])(c)


def test_class_objectives():
    c = ctx()
    assert torch.equal(class_logit(0)(c), torch.tensor([2.0, 0.0]))
    p = torch.softmax(c.logits, 1)
    assert torch.allclose(class_probability([0, 1])(c), torch.log(torch.stack([p[0, 0], p[1, 1]])))
    expected = torch.log(p[:, 2] / (1 - p[:, 2]))
    assert torch.allclose(class_log_odds(2)(c), expected, atol=1e-5)


def test_log_odds_keeps_growing_where_probability_rounds_to_one():
    logits = torch.tensor([[40.0, 0.0], [30.0, 0.0]])
    c = VisContext(torch.zeros(2, 1, 1, 1), logits=logits, log_probs=torch.log_softmax(logits, 1))
    odds = class_log_odds(0)(c)
    assert torch.allclose(odds, torch.tensor([40.0, 30.0]), atol=1e-3)


def test_l2_decay_is_zero_on_grey_and_negative_elsewhere():
    c = ctx()
    assert torch.equal(l2_decay(1.0)(c), torch.zeros(2))
    far = VisContext(torch.ones(1, 1, 2, 2))
    assert l2_decay(2.0)(far).item() == pytest.approx(-0.5)


def test_objectives_add_scale_and_merge_their_needs():
    c = ctx()
    a, b = class_logit(0), channel("c", 1)
    combo = a + 2 * b - 1.0
    assert torch.allclose(combo(c), a(c) + 2 * b(c) - 1)
    assert combo.layers == {"c"} and combo.outputs == {"logits"}
    assert torch.allclose((-a)(c), -a(c))
    assert torch.allclose((a / 4)(c), a(c) / 4)
    total = sum([a, b, l2_decay(0.1)])
    assert torch.allclose(total(c), a(c) + b(c) + l2_decay(0.1)(c))
    assert total.layers == {"c"}
    assert not math.isnan(float(total(c).sum()))
