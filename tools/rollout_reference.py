#!/usr/bin/env python3
"""Reference attention rollout and gradient-weighted rollout for ../shared/models/zoo/vit_tiny, in PyTorch.

The weights are the ONNX model's float initializers, read here with a minimal protobuf reader (no onnx
package needed); tensors the exporter left out are torchvision's initial values (layer-norm weights 1,
biases 0). The attention is recomputed by hand (q, k, v from in_proj, softmax(q k^T / sqrt(d)))
so that its gradient can be retained. Writes, for the two images of ../shared/refs/zoo/vit_tiny/input.npy:
  vit_tiny_rollout.npy       [2, 196]  plain rollout (heads averaged, (A+I)/2 renormalised), class-token row
  vit_tiny_grad_rollout.npy  [3, 196]  Chefer et al. 2021: R = I; R += mean_h((dA*A)^+) R; class-token row,
                                        for (image 0, class 462), (image 0, class 130), (image 1, class 130)
  vit_tiny_rollout_logits.npy [2, 1000] the logits, to check the weights were loaded right
Usage: tools/rollout_reference.py ../shared/models/zoo/vit_tiny_op17.onnx lanterne-core/src/test/resources/refs
"""
import os
import sys

import numpy as np
import torch
import torchvision


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def fields(b):
    """(field number, wire type, value) of one protobuf message; value is bytes for length-delimited fields."""
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wt)
        yield num, wt, v


def initializers(path):
    """name -> float32 array of a model's initializers (ModelProto.graph = 7, GraphProto.initializer = 5)."""
    out = {}
    data = open(path, "rb").read()
    graph = next(v for n, wt, v in fields(data) if n == 7)
    for n, wt, t in fields(graph):
        if n != 5:
            continue
        dims, dtype, name, raw, floats = [], 0, "", None, []
        for fn, fwt, v in fields(t):
            if fn == 1:
                if fwt == 2:
                    j = 0
                    while j < len(v):
                        d, j = varint(v, j)
                        dims.append(d)
                else:
                    dims.append(v)
            elif fn == 2:
                dtype = v
            elif fn == 8:
                name = v.decode()
            elif fn == 9:
                raw = v
            elif fn == 4:
                floats.append(np.frombuffer(v, dtype="<f4") if fwt == 2 else np.frombuffer(v, dtype="<f4"))
        if dtype != 1:
            continue
        arr = np.frombuffer(raw, dtype="<f4") if raw is not None else np.concatenate(floats)
        out[name.replace("/", "_").replace(":", "_")] = arr.reshape(dims).copy()
    return out


def main(model_path, out):
    torch.manual_seed(0)
    m = torchvision.models.VisionTransformer(image_size=224, patch_size=16, num_layers=2, num_heads=4,
                                             hidden_dim=64, mlp_dim=128).eval()
    w = {k: torch.from_numpy(v) for k, v in initializers(model_path).items()}
    sd = m.state_dict()
    for k in sd:
        if k.endswith("ln_1.weight") or k.endswith("ln_2.weight") or k == "encoder.ln.weight":
            sd[k] = torch.ones_like(sd[k])
        elif k.endswith(".bias") and "ln" in k or k.endswith("in_proj_bias") or k.endswith("out_proj.bias"):
            sd[k] = torch.zeros_like(sd[k])
    matmuls = ["onnx__MatMul_%d" % i for i in range(317, 323)]
    for i in range(2):
        p = "encoder.layers.encoder_layer_%d." % i
        sd[p + "self_attention.in_proj_weight"] = w[matmuls[3 * i]].T.contiguous()
        sd[p + "mlp.0.weight"] = w[matmuls[3 * i + 1]].T.contiguous()
        sd[p + "mlp.3.weight"] = w[matmuls[3 * i + 2]].T.contiguous()
    for k, v in w.items():
        if k in sd:
            sd[k] = v.reshape(sd[k].shape)
    m.load_state_dict(sd)
    x = torch.from_numpy(np.load(x_path()))

    def forward(x):
        n = x.shape[0]
        t = m._process_input(x)
        t = torch.cat([m.class_token.expand(n, -1, -1), t], dim=1) + m.encoder.pos_embedding
        maps = []
        for blk in m.encoder.layers:
            h = blk.ln_1(t)
            att = blk.self_attention
            qkv = h @ att.in_proj_weight.T + att.in_proj_bias
            q, k, v = qkv.chunk(3, dim=-1)
            split = lambda z: z.reshape(n, -1, 4, 16).transpose(1, 2)
            q, k, v = split(q), split(k), split(v)
            a = torch.softmax(q @ k.transpose(-1, -2) / 4.0, dim=-1)
            a.retain_grad()
            maps.append(a)
            o = (a @ v).transpose(1, 2).reshape(n, -1, 64)
            t = t + att.out_proj(o)
            t = t + blk.mlp(blk.ln_2(t))
        t = m.encoder.ln(t)
        return m.heads(t[:, 0]), maps

    logits, maps = forward(x)
    all_logits = logits.detach().numpy()
    ref = np.load(os.path.join(os.path.dirname(x_path()), "logits.npy"))
    print("logits max abs diff vs logits.npy", float(np.abs(all_logits - ref).max()))
    eye = torch.eye(197, dtype=torch.float64)
    plain = []
    for i in range(2):
        r = eye.clone()
        for a in maps:
            f = a[i].double().mean(0)
            hat = 0.5 * f + 0.5 * eye
            hat = hat / hat.sum(-1, keepdim=True)
            r = hat @ r
        plain.append(r[0, 1:].detach().numpy())
    weighted = []
    for img, cls in [(0, 462), (0, 130), (1, 130)]:
        logits, maps = forward(x[img:img + 1])
        logits[0, cls].backward()
        r = eye.clone()
        for a in maps:
            abar = (a.grad[0].double() * a[0].double()).clamp(min=0).mean(0)
            r = r + abar @ r
        weighted.append(r[0, 1:].detach().numpy())
    np.save(os.path.join(out, "vit_tiny_rollout.npy"), np.stack(plain).astype(np.float32))
    np.save(os.path.join(out, "vit_tiny_grad_rollout.npy"), np.stack(weighted).astype(np.float32))
    np.save(os.path.join(out, "vit_tiny_rollout_logits.npy"), all_logits.astype(np.float32))


def x_path():
    return os.path.join(os.path.dirname(__file__), "..", "..", "shared", "refs", "zoo", "vit_tiny", "input.npy")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
