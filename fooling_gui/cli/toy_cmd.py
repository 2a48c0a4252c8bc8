"""``fooling-gui toy``: the ten-input logistic regression where small pushes add up."""

from __future__ import annotations

import argparse

from .common import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("toy", help="the 10-input logistic regression: small pushes add up",
                       description="Score x = (2,-1,3,-2,2,2,1,-4,5,1) with weights "
                       "W = (-1,-1,1,-1,1,-1,1,1,-1,1), then move every input by only 0.5 "
                       "in the sign of its weight and score it again.")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=run)


def toy_report() -> dict:
    from ..core.attacks import LogisticToy

    toy = LogisticToy()
    pushed = toy.step_all()
    return {
        "weights": list(toy.weights),
        "x": list(toy.x),
        "logit": toy.logit(),
        "score": toy.score(),
        "step_size": toy.step_size,
        "score_after_one_input": [toy.step(i).score() for i in range(toy.size)],
        "x_after_all": list(pushed.x),
        "logit_after_all": pushed.logit(),
        "score_after_all": pushed.score(),
        "max_change": pushed.max_change(),
    }


def run(args: argparse.Namespace) -> int:
    r = toy_report()
    if args.json:
        print_json(r)
        return 0
    print("input  weight     x   W_i*x_i  pushed x")
    for i, (w, x, x2) in enumerate(zip(r["weights"], r["x"], r["x_after_all"])):
        # x1 … x10, as the window numbers them
        print(f"  x{i + 1:<3}  {w:+5.0f}   {x:+5.1f}  {w * x:+5.1f}    {x2:+5.1f}")
    print(f"score sigmoid(W·x) = sigmoid({r['logit']:+.1f}) = {r['score']:.3f}")
    print(f"one input pushed by {r['step_size']}: {r['score_after_one_input'][0]:.3f}")
    print(f"every input pushed by {r['step_size']}: sigmoid({r['logit_after_all']:+.1f}) = "
          f"{r['score_after_all']:.3f}")
    print("No input moved more than 0.5, yet the answer flipped. An image has thousands "
          "of inputs (784 for MNIST, about 150,000 for ImageNet), so far smaller pushes do it.")
    return 0
