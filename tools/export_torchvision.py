#!/usr/bin/env python3
"""Export a torchvision classifier to ONNX with a dynamic batch axis, and write its Lanterne model card.

    python3 tools/export_torchvision.py resnet50 --out models/            # pretrained weights (downloads)
    python3 tools/export_torchvision.py vgg16 --random --out models/      # random weights, offline

Needs PyTorch and torchvision (Debian: apt-get install python3-torch python3-torchvision).
With --random, batch-norm statistics are recalibrated on seeded noise so activations keep a realistic
scale (as in ../shared/models/torchvision); such a model is for gradient checks, not for predictions.
"""
import argparse
import hashlib
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", help="torchvision.models name: alexnet, vgg16, resnet50, mobilenet_v2, ...")
    ap.add_argument("--out", default=".", help="output folder (default: current folder)")
    ap.add_argument("--random", action="store_true", help="random weights (no download)")
    ap.add_argument("--seed", type=int, default=0, help="seed for --random")
    ap.add_argument("--opset", type=int, default=13, help="ONNX opset (default 13)")
    ap.add_argument("--size", type=int, default=224, help="input size (default 224)")
    args = ap.parse_args()

    try:
        import torch
        import torchvision
    except ImportError:
        sys.exit("export_torchvision: PyTorch and torchvision are needed; apt-get install python3-torch python3-torchvision")

    torch.manual_seed(args.seed)
    ctor = getattr(torchvision.models, args.arch, None)
    if ctor is None:
        sys.exit(f"export_torchvision: torchvision has no model '{args.arch}'")
    if args.random:
        model = ctor()
        recalibrate(model, torch, args.size, args.seed)
    else:
        try:
            model = ctor(weights="DEFAULT")
        except TypeError:  # torchvision < 0.13
            model = ctor(pretrained=True)
        except Exception as e:  # no network
            sys.exit(f"export_torchvision: cannot download pretrained weights ({e}); use --random offline")
    model.eval()

    os.makedirs(args.out, exist_ok=True)
    suffix = "-random" if args.random else ""
    onnx_path = os.path.join(args.out, f"{args.arch}{suffix}.onnx")
    x = torch.randn(1, 3, args.size, args.size)
    tmp = onnx_path + ".tmp"
    torch.onnx.export(model, x, tmp, opset_version=args.opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    os.replace(tmp, onnx_path)

    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    card = {
        "name": f"torchvision-{args.arch}{suffix}",
        "sha256": sha,
        "file": os.path.basename(onnx_path),
        "inputSize": [args.size, args.size],
        "resize": "shorter-then-crop",
        "resizeShorter": round(args.size * 256 / 224),
        "mean": [0.485, 0.456, 0.406],
        "std": [0.229, 0.224, 0.225],
        "labels": "imagenet",
        "output": "logits",
        "source": f"torchvision {torchvision.__version__} {args.arch}, "
                  + ("random weights (seed %d)" % args.seed if args.random else "pretrained ImageNet weights"),
        "license": "BSD-3-Clause (torchvision code); weights: see torchvision's model documentation",
    }
    card_path = os.path.join(args.out, f"{args.arch}{suffix}.card.json")
    with open(card_path + ".tmp", "w") as f:
        json.dump(card, f, indent=2)
    os.replace(card_path + ".tmp", card_path)
    print(onnx_path)
    print(card_path)


def recalibrate(model, torch, size, seed):
    """Re-estimates batch-norm running statistics on seeded noise so a random network's activations do not vanish."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for _ in range(8):
            model(torch.randn(8, 3, size, size, generator=g))
    model.eval()


if __name__ == "__main__":
    main()
