#!/usr/bin/env python3
"""Lanterne against PyTorch on the same cores, in one run, printed side by side.

For each torchvision model in ../shared/models/torchvision/ (rebuilt here in torchvision with random
weights: the same architecture, so the same work), at each batch size: forward pass, input gradient
(autograd), Grad-CAM (activation and gradient of the last feature map), SmoothGrad with n=50 samples on
one image, and RISE with N=2000 masks against a straightforward PyTorch RISE (masks drawn on the fly,
batch 50). Then runs `lanterne bench methods` on the same models with the same settings and prints
both with the ratio PyTorch time / Lanterne time (above 1: Lanterne is faster).

Run with Debian's python3-torch and tcmalloc (4-8x faster batched CPU inference than glibc's
allocator, see ../shared/README.md):

    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/bin/python3 tools/bench_pytorch.py

Options: --models resnet18,squeezenet1_1,mobilenet_v3_small  --batches 1,16  --repeats 5  --threads N
(default: the cores, as ONNX Runtime uses)  --samples 50  --masks 2000  --skip-lanterne  --skip-pytorch
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"


# two warm-up calls, as `lanterne bench` makes (both runtimes plan and allocate memory in their first calls)
def median_ms(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def feature_module(name, model):
    """The module whose output is the Grad-CAM map (the last spatial feature map)."""
    if name.startswith("resnet"):
        return model.layer4
    return model.features


def pytorch_results(args):
    import torch
    import torch.nn.functional as F
    import torchvision

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = {}
    for name in args.models:
        model = getattr(torchvision.models, name)(weights=None).eval()
        for p in model.parameters():
            p.requires_grad_(False)
        target = feature_module(name, model)
        store = {}

        def hook(_module, _inputs, output):
            store["A"] = output
            if output.requires_grad:
                output.retain_grad()

        target.register_forward_hook(hook)
        for b in args.batches:
            x = torch.rand(b, 3, 224, 224) * 2 - 1
            classes = torch.arange(b) % 1000

            def forward():
                with torch.no_grad():
                    model(x)

            def gradient():
                xi = x.clone().requires_grad_(True)
                y = model(xi)
                y[torch.arange(b), classes].sum().backward()
                return xi.grad

            def gradcam():
                # weights are frozen (no weight gradients), so the input carries requires_grad
                y = model(x.clone().requires_grad_(True))
                y[torch.arange(b), classes].sum().backward()
                a = store["A"]
                w = a.grad.mean(dim=(2, 3), keepdim=True)
                return F.relu((w * a).sum(dim=1))

            results[(name, "forward", b)] = median_ms(forward, args.repeats)
            results[(name, "gradient", b)] = median_ms(gradient, args.repeats)
            results[(name, "gradcam", b)] = median_ms(gradcam, args.repeats)

        image = torch.rand(1, 3, 224, 224) * 2 - 1
        n = args.samples

        def smoothgrad():
            sigma = 0.15 * (image.max() - image.min())
            xs = (image + sigma * torch.randn(n, 3, 224, 224)).requires_grad_(True)
            y = model(xs)
            y[:, 1].sum().backward()
            return xs.grad.mean(dim=0)

        results[(name, "smoothgrad%d" % n, 1)] = median_ms(smoothgrad, args.repeats)

        def rise():
            masks_total, batch, grid, p = args.masks, 50, 7, 0.5
            cell = 224 / grid
            up = int((grid + 1) * cell)
            saliency = torch.zeros(224, 224)
            with torch.no_grad():
                for start in range(0, masks_total, batch):
                    m = min(batch, masks_total - start)
                    small = (torch.rand(m, 1, grid, grid) < p).float()
                    big = F.interpolate(small, size=(up, up), mode="bilinear", align_corners=False)
                    dx, dy = torch.randint(0, int(cell), (2,))
                    masks = big[:, :, dy:dy + 224, dx:dx + 224]
                    scores = F.softmax(model(image * masks), dim=1)[:, 1]
                    saliency += (scores.view(m, 1, 1) * masks[:, 0]).sum(dim=0)
            return saliency / (masks_total * p)

        results[(name, "rise%d" % args.masks, 1)] = median_ms(rise, max(1, args.repeats // 2), warmup=0)
        print("pytorch: %s done" % name, file=sys.stderr, flush=True)
    return results


def lanterne_results(args):
    models = [str(SHARED / "models" / "torchvision" / (m + ".onnx")) for m in args.models]
    cmd = [str(ROOT / "lanterne"), "bench", "methods", "--model", *models, "--batches",
           ",".join(str(b) for b in args.batches), "--repeats", str(args.repeats), "--samples", str(args.samples),
           "--masks", str(args.masks), "--rise-batch", "50", "--threads", str(args.threads)]
    print("running: " + " ".join(cmd), file=sys.stderr, flush=True)
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)  # tcmalloc is for PyTorch; the JVM keeps its own allocator
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        if line.startswith("RESULT "):
            _, model, method, batch, ms = line.split()
            results[(model, method, int(batch))] = float(ms)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="resnet18,squeezenet1_1,mobilenet_v3_small")
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--masks", type=int, default=2000)
    ap.add_argument("--skip-lanterne", action="store_true")
    ap.add_argument("--skip-pytorch", action="store_true")
    args = ap.parse_args()
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.batches = [int(b) for b in args.batches.split(",")]
    for m in args.models:
        if not (SHARED / "models" / "torchvision" / (m + ".onnx")).is_file():
            sys.exit("bench_pytorch: no ../shared/models/torchvision/%s.onnx" % m)
    load = os.getloadavg()
    torch_ms = {} if args.skip_pytorch else pytorch_results(args)
    lanterne_ms = {} if args.skip_lanterne else lanterne_results(args)
    print("threads %d, load average %.1f %.1f %.1f at start" % (args.threads, *load))
    print("%-20s %-14s %5s %12s %12s %8s" % ("model", "method", "batch", "PyTorch ms", "Lanterne ms", "ratio"))
    for key in sorted(set(torch_ms) | set(lanterne_ms), key=lambda k: (k[0], k[2], k[1])):
        t = torch_ms.get(key)
        l = lanterne_ms.get(key)
        ratio = "%.2fx" % (t / l) if t and l else ""
        print("%-20s %-14s %5d %12s %12s %8s" % (key[0], key[1], key[2], "%.1f" % t if t else "-",
                                                  "%.1f" % l if l else "-", ratio))
    print("ratio = PyTorch time / Lanterne time (targets: >= 1.5 for gradient, gradcam, smoothgrad; >= 2 for rise)")


if __name__ == "__main__":
    main()
