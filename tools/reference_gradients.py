#!/usr/bin/env python3
"""Export torchvision architectures (random weights) at several opsets, with PyTorch autograd references.

    /usr/bin/python3 tools/reference_gradients.py googlenet densenet121 --opsets 9 13 17 --out archs/

For each architecture ARCH this writes, under --out (git-ignored `archs/` by convention):
  ARCH_opK.onnx      torch.onnx.export at opset K, input `input` [N,3,S,S] with a dynamic batch, output `logits`
  ARCH/input.npy     two seeded N(0,1) images [2,3,S,S]
  ARCH/targets.npy   image 0: its top class; image 1: class 130
  ARCH/logits.npy    float32 logits [2,1000]
  ARCH/grad.npy      d sum_i logits[i, targets[i]] / d input, float32 autograd [2,3,S,S]
  ARCH/grad64.npy   the same gradient computed in float64 (stored as float32)
  ARCH/meta.json     targets, size, and grad_fp32_vs_fp64_rel_l2 (the same gradient in float64: how far
                     float32 alone moves it), tolerance = max(1e-4, 4 x that), as ../shared/refs
The Java side (ArchitectureReferenceTest, run with -Dlanterne.archs=archs) compares the compiled
saliency graph with grad.npy. Needs Debian's python3-torch and python3-torchvision.
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archs", nargs="+", help="torchvision.models names")
    ap.add_argument("--out", default="archs", help="output folder (default archs/)")
    ap.add_argument("--opsets", type=int, nargs="+", default=[13], help="ONNX opsets to export (default 13)")
    ap.add_argument("--size", type=int, default=224, help="input size (inception_v3: 299)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--calibration-batches", type=int, default=2,
                    help="batches of 8 noise images for batch-norm statistics (default 2)")
    args = ap.parse_args()
    import numpy as np
    import torch
    import torchvision
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for arch in args.archs:
        torch.manual_seed(args.seed)
        ctor = getattr(torchvision.models, arch, None)
        if ctor is None:
            sys.exit(f"reference_gradients: torchvision has no model '{arch}'")
        kwargs = {"aux_logits": False, "init_weights": True} if arch in ("googlenet", "inception_v3") else {}
        model = ctor(**kwargs)
        recalibrate(model, torch, args.size, args.seed, args.calibration_batches)
        model.eval()
        g = torch.Generator().manual_seed(args.seed + 1)
        x = torch.randn(2, 3, args.size, args.size, generator=g)
        os.makedirs(os.path.join(args.out, arch), exist_ok=True)
        grads = {}
        for dtype in (torch.float32, torch.float64):
            m = model.to(dtype)
            xi = x.to(dtype).clone().requires_grad_(True)
            y = m(xi)
            if dtype == torch.float32:
                targets = torch.tensor([int(y[0].argmax()), 130])
                logits = y.detach().numpy()
            y[torch.arange(2), targets].sum().backward()
            grads[dtype] = xi.grad.detach().double().numpy()
        model.to(torch.float32)
        noise = float(np.linalg.norm(grads[torch.float32] - grads[torch.float64]) / np.linalg.norm(grads[torch.float64]))
        d = os.path.join(args.out, arch)
        np.save(os.path.join(d, "input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(d, "targets.npy"), targets.numpy().astype(np.int64))
        np.save(os.path.join(d, "logits.npy"), logits.astype(np.float32))
        np.save(os.path.join(d, "grad.npy"), grads[torch.float32].astype(np.float32))
        np.save(os.path.join(d, "grad64.npy"), grads[torch.float64].astype(np.float32))
        meta = {"model": arch, "size": args.size, "targets": targets.tolist(), "grad_fp32_vs_fp64_rel_l2": noise,
                "tolerance": max(1e-4, 4 * noise), "torch": torch.__version__, "torchvision": torchvision.__version__}
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)
        for opset in args.opsets:
            path = os.path.join(args.out, f"{arch}_op{opset}.onnx")
            try:
                torch.onnx.export(model, x[:1], path, opset_version=opset, input_names=["input"],
                                  output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                                  do_constant_folding=True)
                print(path, flush=True)
            except Exception as e:  # an exporter limit at this opset: say so and go on
                print(f"{arch} opset {opset}: export failed: {str(e).splitlines()[0]}", flush=True)
        print(f"{arch}: fp32 vs fp64 gradient rel L2 {noise:.2e}", flush=True)


def recalibrate(model, torch, size, seed, batches):
    """Batch-norm running statistics from seeded noise (as tools/export_torchvision.py), so activations do not vanish."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms or batches == 0:
        return
    g = torch.Generator().manual_seed(seed)
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(8, 3, size, size, generator=g))
    model.eval()


if __name__ == "__main__":
    main()
