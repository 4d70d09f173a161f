#!/usr/bin/env python3
"""Checks a compiled saliency graph in float64, free of float32 noise, against PyTorch autograd of the same ONNX graph.

    /usr/bin/python3 tools/float64_gradient.py MODEL.onnx MODEL.saliency.onnx   # from `lanterne compile --out`

Both graphs are run by a small float64 interpreter written with PyTorch (the CNN operators torchvision
exports, and those the compiled graphs use, ONNX Runtime's fused ones included). The reference is autograd
through the interpreted *model* graph, with the same folded weights, so the only difference left is the
gradient rules: a correct compiled graph agrees to about 1e-8 (float32 constants in the rules), a wrong rule
shows as its own size (1e-3 and more). Float32 comparisons cannot show a 1% rule error on deep random-weight
networks: there one or two ReLUs that flip sign between float32 and float64 move the input gradient by 0.5%
each. Needs Debian's python3-torch and python3-onnx; an operator it does not know stops it with its name.
"""
import sys
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

def attrs(n):
    return {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}

def conv(x, w, b, a, transpose=False):
    r = w.dim() - 2
    pads = list(a.get('pads', [0] * 2 * r)); strides = a.get('strides', [1] * r); dil = a.get('dilations', [1] * r)
    g = a.get('group', 1)
    auto = a.get('auto_pad', b'NOTSET'); auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto not in ('NOTSET', 'VALID') :
        raise RuntimeError('auto_pad ' + auto)
    if not transpose:
        pp = []
        for i in reversed(range(r)):
            pp += [pads[i], pads[i + r]]
        x = F.pad(x, pp)
        return F.conv2d(x, w, b, stride=strides, dilation=dil, groups=g) if r == 2 else F.conv1d(x, w, b, stride=strides, dilation=dil, groups=g)
    op = a.get('output_padding', [0] * r)
    y = F.conv_transpose2d(x, w, b, stride=strides, dilation=dil, groups=g)
    # full output then crop pads; output_padding adds zeros at the end (where not covered)
    H = [ (x.shape[2+i]-1)*strides[i] + (w.shape[2+i]-1)*dil[i] + 1 for i in range(r)]
    out = [H[i] + op[i] - pads[i] - pads[i+r] for i in range(r)]
    y = F.pad(y, [0, op[1], 0, op[0]])
    return y[:, :, pads[0]:pads[0]+out[0], pads[1]:pads[1]+out[1]]

def run(model, feeds, want=None, dtype=torch.float64, override=None, report=None):
    g = model.graph
    env = {}
    for t in g.initializer:
        v = numpy_helper.to_array(t)
        env[t.name] = torch.from_numpy(v.astype(np.float64 if dtype == torch.float64 else np.float32) if v.dtype == np.float32 else v.copy())
    for k, v in feeds.items():
        env[k] = v if torch.is_tensor(v) else torch.as_tensor(v).to(dtype) if np.asarray(v).dtype in (np.float32, np.float64) else torch.as_tensor(v)
    for n in g.node:
        a = attrs(n); i = [env[x] if x else None for x in n.input]; t = n.op_type
        if t == 'Constant':
            v = numpy_helper.to_array(a['value']); o = torch.from_numpy(v.astype(np.float64 if dtype == torch.float64 else np.float32) if v.dtype == np.float32 else v.copy())
        elif t in ('Conv', 'FusedConv'):
            o = conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
            if len(i) > 3 and i[3] is not None: o = o + i[3]
            act = a.get('activation', b'')
            act = act.decode() if isinstance(act, bytes) else act
            if act == 'Relu': o = torch.relu(o)
            elif act == 'Sigmoid': o = torch.sigmoid(o)
            elif act == 'HardSigmoid':
                al, be = a['activation_params']; o = torch.clamp(al * o + be, 0, 1)
            elif act == 'Clip':
                lo, hi = a['activation_params']; o = torch.clamp(o, lo, hi)
            elif act: raise RuntimeError('act ' + act)
        elif t == 'ConvTranspose': o = conv(i[0], i[1], i[2] if len(i) > 2 else None, a, True)
        elif t == 'Relu': o = torch.relu(i[0])
        elif t == 'Sigmoid': o = torch.sigmoid(i[0])
        elif t == 'HardSigmoid': o = torch.clamp(a.get('alpha', 0.2) * i[0] + a.get('beta', 0.5), 0, 1)
        elif t == 'HardSwish': o = i[0] * torch.clamp(i[0] / 6 + 0.5, 0, 1)
        elif t == 'Mul': o = i[0] * i[1]
        elif t == 'Add': o = i[0] + i[1]
        elif t == 'Sub': o = i[0] - i[1]
        elif t == 'Div': o = torch.div(i[0], i[1], rounding_mode='trunc') if not i[0].is_floating_point() else i[0] / i[1]
        elif t == 'Sum':
            o = i[0]
            for v in i[1:]: o = o + v
        elif t == 'Greater': o = i[0] > i[1]
        elif t == 'Cast':
            to = a['to']; o = i[0].to(dtype) if to in (1, 11) else i[0].long() if to == 7 else i[0].bool() if to == 9 else None
        elif t == 'Reshape':
            s = list(i[1].tolist()); s = [i[0].shape[k] if v == 0 else v for k, v in enumerate(s)]; o = i[0].reshape(s)
        elif t == 'Shape': o = torch.tensor(list(i[0].shape), dtype=torch.long)
        elif t == 'Expand': o = i[0] * torch.ones(list(i[1].tolist()), dtype=i[0].dtype)
        elif t == 'Transpose': o = i[0].permute(*a['perm'])
        elif t == 'Slice':
            x = i[0]; st = i[1].tolist(); en = i[2].tolist(); ax = i[3].tolist() if len(i) > 3 else list(range(len(st)))
            sp = i[4].tolist() if len(i) > 4 else [1] * len(st)
            idx = [slice(None)] * x.dim()
            for s_, e_, a_, p_ in zip(st, en, ax, sp):
                d = x.shape[a_]
                if p_ == 1:
                    s_ = max(0, min(d, s_ + d if s_ < 0 else s_)); e_ = max(0, min(d, e_ + d if e_ < 0 else e_))
                    idx[a_] = slice(s_, e_)
                elif p_ == -1 and s_ in (-1, d - 1) and e_ < -d:
                    x = x.flip(a_); continue
                else: raise RuntimeError('slice step')
            o = x[tuple(idx)]
        elif t == 'GlobalAveragePool': o = i[0].mean(dim=tuple(range(2, i[0].dim())), keepdim=True)
        elif t == 'ReduceSum':
            axes = i[1].tolist() if len(i) > 1 else a['axes']; o = i[0].sum(dim=tuple(axes), keepdim=bool(a.get('keepdims', 1)))
        elif t == 'ReduceMean':
            axes = i[1].tolist() if len(i) > 1 else a['axes']; o = i[0].mean(dim=tuple(axes), keepdim=bool(a.get('keepdims', 1)))
        elif t == 'Flatten': ax = a.get('axis', 1); o = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif t == 'Gemm':
            A = i[0].t() if a.get('transA', 0) else i[0]; B = i[1].t() if a.get('transB', 0) else i[1]
            o = a.get('alpha', 1.0) * A @ B
            if len(i) > 2 and i[2] is not None: o = o + a.get('beta', 1.0) * i[2]
        elif t == 'MatMul': o = i[0] @ i[1]
        elif t == 'Identity': o = i[0]
        elif t == 'Concat': o = torch.cat(i, dim=a['axis'])
        elif t == 'Min':
            o = i[0]
            for v in i[1:]: o = torch.minimum(o, v)
        elif t == 'Max':
            o = i[0]
            for v in i[1:]: o = torch.maximum(o, v)
        elif t == 'Sqrt': o = torch.sqrt(i[0])
        elif t == 'Abs': o = torch.abs(i[0])
        elif t == 'Neg': o = -i[0]
        elif t == 'Clip':
            lo = i[1] if len(i) > 1 and i[1] is not None else a.get('min', None)
            hi = i[2] if len(i) > 2 and i[2] is not None else a.get('max', None)
            o = i[0]
            if lo is not None: o = torch.maximum(o, torch.as_tensor(lo, dtype=o.dtype))
            if hi is not None: o = torch.minimum(o, torch.as_tensor(hi, dtype=o.dtype))
        elif t == 'QuickGelu': o = i[0] * torch.sigmoid(a.get('alpha', 1.702) * i[0])
        elif t == 'BatchNormalization':
            sh = [1, -1] + [1] * (i[0].dim() - 2)
            o = (i[0] - i[3].reshape(sh)) / torch.sqrt(i[4].reshape(sh) + a.get('epsilon', 1e-5)) * i[1].reshape(sh) + i[2].reshape(sh)
        elif t == 'Gather':
            ax = a.get('axis', 0); idx = i[1]
            o = torch.index_select(i[0], ax, idx.reshape(-1) % i[0].shape[ax]).reshape(list(i[0].shape[:ax]) + list(idx.shape) + list(i[0].shape[ax + 1:]))
        elif t == 'Split':
            ax = a.get('axis', 0); sizes = i[1].tolist() if len(i) > 1 and i[1] is not None else a.get('split', None)
            if sizes is None: sizes = [i[0].shape[ax] // len(n.output)] * len(n.output)
            parts = torch.split(i[0], sizes, dim=ax)
            for nm, pv in zip(n.output[1:], parts[1:]): env[nm] = pv
            o = parts[0]
        elif t in ('MaxPool', 'AveragePool'):
            k = a['kernel_shape']; st = a.get('strides', [1, 1]); pads = a.get('pads', [0, 0, 0, 0]); ceil = bool(a.get('ceil_mode', 0))
            dil = a.get('dilations', [1, 1])
            if t == 'MaxPool':
                xx = F.pad(i[0], [pads[1], pads[3], pads[0], pads[2]], value=-float('inf'))
                o = F.max_pool2d(xx, k, st, 0, dil, ceil_mode=ceil)
            else:
                if pads[0] != pads[2] or pads[1] != pads[3]: raise RuntimeError('avgpool asym')
                o = F.avg_pool2d(i[0], k, st, [pads[0], pads[1]], ceil_mode=ceil, count_include_pad=bool(a.get('count_include_pad', 0)))
        elif t == 'FusedGemm':
            A = i[0].t() if a.get('transA', 0) else i[0]; B = i[1].t() if a.get('transB', 0) else i[1]
            o = a.get('alpha', 1.0) * A @ B
            if len(i) > 2 and i[2] is not None: o = o + a.get('beta', 1.0) * i[2]
            act = a.get('activation', b''); act = act.decode() if isinstance(act, bytes) else act
            if act == 'Relu': o = torch.relu(o)
            elif act: raise RuntimeError('gemm act ' + act)
        elif t == 'Unsqueeze':
            axes = i[1].tolist() if len(i) > 1 else a['axes']; o = i[0]
            for ax in sorted(axes): o = o.unsqueeze(ax)
        elif t == 'Squeeze':
            axes = i[1].tolist() if len(i) > 1 else a['axes']; o = i[0]
            for ax in sorted(axes, reverse=True): o = o.squeeze(ax)
        elif t == 'Pad':
            p = i[1].tolist() if len(i) > 1 else a['pads']; r = len(p) // 2; pp = []
            for k in reversed(range(r)): pp += [p[k], p[k + r]]
            mode = a.get('mode', b'constant'); mode = mode.decode() if isinstance(mode, bytes) else mode
            if mode == 'constant': o = F.pad(i[0], pp, value=float(i[2]) if len(i) > 2 and i[2] is not None else 0.0)
            else: o = F.pad(i[0], pp[:4], mode={'reflect': 'reflect', 'edge': 'replicate'}[mode])
        else:
            raise RuntimeError('op ' + t + ' ' + n.name)
        if override is not None and n.output[0] in override:
            ref = torch.from_numpy(override[n.output[0]].astype(np.float64)).reshape(o.shape)
            if o.dtype == torch.float64:
                den = float(ref.norm()) or 1.0
                report.append((n.name, t, n.output[0], float((o - ref).norm()) / den, float(o.norm())))
            o = ref
        env[n.output[0]] = o
    return env


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1])
    size = model.graph.input[0].type.tensor_type.shape.dim[2].dim_value
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    xt = x.clone().requires_grad_(True)
    y = run(model, {model.graph.input[0].name: xt})[model.graph.output[0].name]
    seed = torch.zeros_like(y)
    seed[0, int(y[0].argmax())] = 1
    seed[1, 130 % y.shape[1]] = 1
    (y * seed).sum().backward()
    saliency = onnx.load(sys.argv[2])
    env = run(saliency, {saliency.graph.input[0].name: x.numpy(), 'seed': seed.detach().numpy()})
    g = env['grad_input'].numpy()
    ref = xt.grad.numpy()
    err = np.linalg.norm(g - ref) / np.linalg.norm(ref)
    print(f'{sys.argv[1]}: compiled input gradient in float64 vs autograd of the ONNX graph in float64: rel L2 {err:.2e}')


if __name__ == '__main__':
    main()
