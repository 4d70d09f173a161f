#!/usr/bin/env python3
"""Trains Lanterne's built-in demo model: a small CNN that names the shape in a generated picture.

The data comes from Lanterne itself (dev.lanterne.demo.ShapesDatasetWriter, see tools/train_demo.sh):
DATA/train and DATA/test each hold images.npy uint8 [N,3,H,W], labels.npy uint8 [N], masks.npy
uint8 [N,H,W] and labels.txt. The script trains on train, reports accuracy and a CAM pointing-game
score on test, and writes OUT/shapes.onnx (opset 13, dynamic batch, input "input", output "logits"),
OUT/shapes.card.json and OUT/shapes.labels.txt.

Only operators Lanterne's gradient compiler handles are used: Conv (batch norm is folded into it at
export), Relu, MaxPool, Add, GlobalAveragePool, Flatten, Gemm. The last spatial layer (Conv -> Relu
before GlobalAveragePool) is the natural Grad-CAM layer.
"""

import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = 0.5  # per channel; generated pictures have channel means of about 0.5 ...
STD = 0.25  # ... and standard deviations of about 0.26


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))


class Residual(nn.Module):
    """relu(x + bn(conv(relu(bn(conv(x))))))."""

    def __init__(self, channels):
        super().__init__()
        self.a = conv_bn(channels, channels)
        self.b = conv_bn(channels, channels)

    def forward(self, x):
        return F.relu(x + self.b(F.relu(self.a(x))))


class ShapesNet(nn.Module):
    def __init__(self, classes, width=(12, 24, 48, 64)):
        super().__init__()
        w1, w2, w3, w4 = width
        self.features = nn.Sequential(
            conv_bn(3, w1), nn.ReLU(), nn.MaxPool2d(2),   # H/2
            conv_bn(w1, w2), nn.ReLU(), nn.MaxPool2d(2),  # H/4
            conv_bn(w2, w3), nn.ReLU(), nn.MaxPool2d(2),  # H/8
            Residual(w3),
        )
        # the Grad-CAM layer: last Conv -> Relu, at H/8 x W/8
        self.cam = nn.Sequential(nn.Conv2d(w3, w4, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(w4, classes)

    def maps(self, x):
        return self.cam(self.features(x))

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.maps(x)), 1))


def load(folder):
    images = torch.from_numpy(np.load(os.path.join(folder, "images.npy")))
    labels = torch.from_numpy(np.load(os.path.join(folder, "labels.npy")).astype(np.int64))
    masks = torch.from_numpy(np.load(os.path.join(folder, "masks.npy")))
    with open(os.path.join(folder, "labels.txt"), encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    return images, labels, masks, names


def normalise(images_u8):
    return (images_u8.float() / 255.0 - MEAN) / STD


def evaluate(model, images, labels, masks, batch=500):
    """Top-1 accuracy, and the CAM pointing game: the CAM's peak (upsampled) lies on the object."""
    model.eval()
    correct = 0
    hits = 0
    with torch.no_grad():
        for start in range(0, len(images), batch):
            x = normalise(images[start:start + batch])
            y = labels[start:start + batch]
            a = model.maps(x)
            logits = model.fc(torch.flatten(model.pool(a), 1))
            correct += (logits.argmax(1) == y).sum().item()
            # CAM for the true class: class weights over the last conv's channels
            cam = torch.einsum("nchw,nc->nhw", a, model.fc.weight[y]).unsqueeze(1)
            cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False).flatten(1)
            peak = cam.argmax(1)
            hits += masks[start:start + batch].flatten(1).gather(1, peak.unsqueeze(1)).sum().item()
    return correct / len(images), hits / len(images)


def train(model, images, labels, epochs, batch, lr, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(images) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.2)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=gen)
        total, correct, loss_sum, t0 = 0, 0, 0.0, time.time()
        for start in range(0, len(images), batch):
            idx = order[start:start + batch]
            x = normalise(images[idx])
            # random flips keep the class: every shape's set of poses is closed under mirroring
            if torch.rand(1, generator=gen).item() < 0.5:
                x = x.flip(3)
            y = labels[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += len(idx)
            correct += (logits.argmax(1) == y).sum().item()
            loss_sum += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{epochs}: loss {loss_sum / total:.4f}, train accuracy {correct / total:.4f}, "
              f"{time.time() - t0:.0f} s", flush=True)


def export(model, size, path):
    model.eval()
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="folder with train/ and test/ written by ShapesDatasetWriter")
    p.add_argument("--out", default="onnx/demo", help="where shapes.onnx and its card go")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=4e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_images, train_labels, _, names = load(os.path.join(args.data, "train"))
    test_images, test_labels, test_masks, test_names = load(os.path.join(args.data, "test"))
    assert names == test_names, "train and test label files differ"
    size = train_images.shape[-1]
    print(f"{len(train_images)} training and {len(test_images)} test pictures of {size}x{size}, classes {names}")

    model = ShapesNet(len(names))
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    t0 = time.time()
    train(model, train_images, train_labels, args.epochs, args.batch, args.lr, args.seed)
    accuracy, pointing = evaluate(model, test_images, test_labels, test_masks)
    print(f"trained in {time.time() - t0:.0f} s; test accuracy {accuracy:.4f} on {len(test_images)} pictures, "
          f"CAM pointing game {pointing:.4f}")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "shapes.onnx")
    export(model, size, onnx_path)
    with open(os.path.join(args.out, "shapes.labels.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    card = {
        "name": "shapes",
        "sha256": sha256(onnx_path),
        "file": "shapes.onnx",
        "inputSize": [size, size],
        "resize": "shorter-then-crop",
        "resizeShorter": size,
        "mean": [MEAN] * 3,
        "std": [STD] * 3,
        "labels": "shapes.labels.txt",
        "output": "logits",
        "source": "trained by tools/train_demo.py on Lanterne's generated shapes "
                  f"(test accuracy {accuracy:.4f} on {len(test_images)} pictures)",
        "license": "Apache-2.0",
    }
    with open(os.path.join(args.out, "shapes.card.json"), "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) and its card")


if __name__ == "__main__":
    main()
