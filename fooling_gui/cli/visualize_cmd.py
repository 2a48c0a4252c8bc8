"""``fooling-gui visualize``: gradient ascent on the input for a class or a unit."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    add_model_arguments,
    command_models,
    model_key,
    non_negative_int,
    parse_class,
    positive_float,
    positive_int,
    print_json,
    progress,
    seed_int,
)


def _size(text: str) -> tuple[int, int]:
    """``"64"`` or ``"64x48"`` (height × width)."""
    parts = text.lower().split("x")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 64 or 64x48") from None
    if len(values) == 1:
        values = values * 2
    if len(values) != 2 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 64 or 64x48")
    return values


def _scales(text: str) -> tuple[float, ...]:
    """``"0.95,1,1.05"`` → zoom factors (``"none"`` → no zoom)."""
    if text.strip().lower() in ("", "none", "off"):
        return ()
    try:
        values = tuple(float(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from None
    if any(not v > 0 for v in values):
        raise argparse.ArgumentTypeError("zoom factors must be positive")
    return values


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a number ≥ 0")
    return value


def _probability(text: str) -> float:
    value = _non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser(
        "visualize", help="gradient ascent: an image for a class, or what a unit looks for",
        description="Change an image by gradient ascent until the model is sure it shows "
        "a class (--class), or until one channel of a layer responds strongly (--layer "
        "and --channel). The 'plain' preset is the fooling paper's gradient-ascent "
        "comparison; 'readable' adds Olah et al.'s regularisation.")
    add_model_arguments(p)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--class", dest="class_", metavar="K",
                        help="class index or name to maximise")
    target.add_argument("--layer", metavar="NAME",
                        help="layer name as in module.named_modules(), e.g. features.0")
    p.add_argument("--channel", type=non_negative_int, metavar="C",
                   help="with --layer: the channel (or unit) to maximise")
    p.add_argument("--neuron", action="store_true",
                   help="with --layer: maximise the channel's centre unit, not its mean")
    p.add_argument("--preset", choices=("plain", "readable"),
                   help="settings to start from (default: plain for --class, readable "
                   "for --layer); the options below override them")
    p.add_argument("--steps", type=positive_int, help="gradient steps (default: the preset's)")
    p.add_argument("--seed", type=seed_int, default=0, help="random seed (default: 0)")
    p.add_argument("--lr", type=positive_float, help="Adam learning rate")
    p.add_argument("--fourier", action=argparse.BooleanOptionalAction,
                   help="decorrelated Fourier parameterisation instead of raw pixels")
    p.add_argument("--decorrelate", action=argparse.BooleanOptionalAction,
                   help="Fourier, colour models: decorrelate colours")
    p.add_argument("--init", choices=("noise", "grey"), help="pixels: start image")
    p.add_argument("--squash", choices=("clamp", "sigmoid"),
                   help="pixels: keep values in [0, 1] by clamping or a sigmoid")
    p.add_argument("--objective", dest="class_objective",
                   choices=("log_odds", "log_prob", "logit"),
                   help="--class: maximise log(p / (1 - p)), log p or the logit")
    p.add_argument("--l2", type=_non_negative_float, help="L2 decay towards grey (0 = off)")
    p.add_argument("--blur-every", type=non_negative_int, metavar="K",
                   help="blur the image every K steps (0 = off)")
    p.add_argument("--blur-sigma", type=positive_float, metavar="PX", help="that blur's sigma")
    p.add_argument("--jitter", type=non_negative_int, metavar="PX",
                   help="random shift per step in pixels (0 = off)")
    p.add_argument("--scale", dest="scales", type=_scales, metavar="LIST",
                   help="random zoom factors per step, e.g. 0.95,1,1.05 ('none' = off)")
    p.add_argument("--rotate", type=_non_negative_float, metavar="DEG",
                   help="random rotation per step within ± DEG (0 = off)")
    p.add_argument("--size", type=_size, metavar="HxW",
                   help="image size (default: the model's; smaller is faster for conv layers)")
    p.add_argument("--stop-at", type=_probability, metavar="P",
                   help="--class: stop once the confidence reaches P")
    p.add_argument("--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.errors import FoolingError
    from ..core.formatting import format_confidence
    from ..core.vis.export import save_vis_png, vis_png_text
    from ..core.vis.recipes import preset
    from ..sessions.vis_session import VisSession

    if args.layer is not None and args.channel is None:
        raise FoolingError("--layer needs --channel to say which channel to maximise.")
    if args.layer is None and (args.channel is not None or args.neuron):
        raise FoolingError("--channel and --neuron only work together with --layer.")
    if args.out.suffix.lower() != ".png":
        raise FoolingError(f"{args.out} should end in .png.")
    if not args.out.parent.is_dir():
        raise FoolingError(f"The folder {args.out.parent} does not exist.")

    # The Feature visualisation tab's session: its model cache, its runs.
    session = VisSession(models=command_models(args), ten_crop=args.ten_crop)
    key = model_key(args)
    spec = session.classifier(key).spec
    preset_name = args.preset or ("plain" if args.layer is None else "readable")
    config = preset(preset_name, steps=args.steps, lr=args.lr, fourier=args.fourier,
                    decorrelate=args.decorrelate, init=args.init, squash=args.squash,
                    class_objective=args.class_objective, l2=args.l2,
                    blur_every=args.blur_every, blur_sigma=args.blur_sigma, jitter=args.jitter,
                    scales=args.scales, rotate=args.rotate, size=args.size)
    if args.layer is None:
        class_index = parse_class(args.class_, spec.class_names)
        frames = session.class_run(None, key, class_index, config, args.seed,
                                   stop_at=args.stop_at)
        desc = f"class {spec.class_names[class_index]}"
    else:
        class_index = None
        frames = session.unit_run(None, key, args.layer, args.channel, config, args.seed,
                                  centre_neuron=args.neuron)
        desc = f"{args.layer}:{args.channel}"
    with progress(config.steps, desc, unit="step", quiet=args.quiet) as bar:
        result = _follow(frames, bar)
    text = vis_png_text(spec, config, args.seed, result, preset=preset_name,
                        class_index=class_index, layer=args.layer, channel=args.channel,
                        centre_neuron=args.neuron)
    save_vis_png(args.out, result, text)

    summary = {"model": spec.label, "preset": preset_name, "seed": args.seed,
               "steps": result.steps, "out": str(args.out)}
    if class_index is not None:
        summary.update({"class": class_index, "class_name": spec.class_names[class_index],
                        "confidence_start": result.start.confidence,
                        "confidence": result.confidence})
    else:
        summary.update({"layer": args.layer, "channel": args.channel,
                        "unit": "centre neuron" if args.neuron else "channel mean",
                        "activation_start": result.activation_start,
                        "activation_end": result.activation_end})
    if args.json:
        print_json(summary)
    elif class_index is not None:
        print(f"{args.out}: {spec.class_names[class_index]} at "
              f"{format_confidence(result.confidence)} after {result.steps} steps")
    else:
        print(f"{args.out}: {args.layer}:{args.channel} activation "
              f"{result.activation_start:.4g} → {result.activation_end:.4g} "
              f"after {result.steps} steps")
    return 0


def _follow(frames, bar):
    """Step a visualisation session's run to its end, moving ``bar``; its VisResult."""
    from ..core.formatting import format_confidence

    done_steps = 0
    while True:
        try:
            frame = next(frames)
        except StopIteration as end:
            return end.value
        state = frame.state
        bar.update(state.step - done_steps)
        done_steps = state.step
        if state.confidence is not None:
            bar.set_postfix_str(format_confidence(state.confidence))
        else:
            bar.set_postfix_str(f"activation {state.activation:.4g}")
