#!/usr/bin/env bash
# Reproduces onnx/demo/shapes.onnx: Lanterne generates the pictures, tools/train_demo.py trains on them.
# Needs Java 17 + Maven (to compile Lanterne) and PyTorch: apt-get install -y python3-torch python3-numpy
# (libtcmalloc-minimal4 is optional and makes training faster). Extra arguments go to train_demo.py.
# Set DEMO_DATA=DIR to keep the generated pictures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data="$(realpath -m "${DEMO_DATA:-$(mktemp -d)}")"
mvn -q -B compile
java -cp target/classes dev.lanterne.demo.ShapesDatasetWriter "$data/train" 16000 1 64
java -cp target/classes dev.lanterne.demo.ShapesDatasetWriter "$data/test" 2000 2 64
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
preload=""
if [[ -e "$tcmalloc" ]]; then preload="$tcmalloc"; fi
# Debian's PyTorch is installed for the system python, not for a pyenv or venv python on PATH
LD_PRELOAD="$preload" /usr/bin/python3 tools/train_demo.py --data "$data" --out onnx/demo --epochs 8 "$@"
if [[ -z "${DEMO_DATA:-}" ]]; then rm -rf "$data"; fi
