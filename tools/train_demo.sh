#!/usr/bin/env bash
# Reproduces onnx/demo/shapes.onnx: Lanterne generates the pictures, tools/train_demo.py trains on them.
# Needs Java 17 + Maven (to compile Lanterne) and PyTorch: apt-get install -y python3-torch python3-numpy
# (libtcmalloc-minimal4 is optional and makes training faster). Run from anywhere; takes ~10 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DEMO_DATA:-$(mktemp -d)}"
mvn -q -B compile
java -cp target/classes dev.lanterne.demo.ShapesDatasetWriter "$data/train" 16000 1 64
java -cp target/classes dev.lanterne.demo.ShapesDatasetWriter "$data/test" 2000 2 64
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
preload=""
if [[ -e "$tcmalloc" ]]; then preload="$tcmalloc"; fi
# Debian's torch lives in the system python; run it from tools/ so that ./onnx is not taken for the onnx package
(cd tools && LD_PRELOAD="$preload" /usr/bin/python3 train_demo.py --data "$data" --out ../onnx/demo --epochs 8 "$@")
if [[ -z "${DEMO_DATA:-}" ]]; then rm -rf "$data"; fi
