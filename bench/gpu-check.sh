#!/usr/bin/env bash
# The GPU check: one command on a machine with an NVIDIA GPU, under 8 minutes, printing the figures README's
# "GPU figures" wants. It builds the CUDA flavour from this checkout (in a copy, so the checkout's own build is
# untouched), fetches the test model and photos (tests/assets/fetch-test-assets.sh, cached), and runs the
# benchmark's gpu mode while nvidia-smi samples the GPU's memory:
#   - the floor (ONNX Runtime's Run alone) for each model: the test model (ISNet, fp16 weights), plus any --also,
#     plus RMBG-2.0's architecture when its graph is there ($RMBG_BIREFNET_GRAPH, default
#     ~/.cache/RmbgPS-bench/birefnet_random.onnx, made by ../shared/birefnet-graph/make_graph.py; bench/README.md);
#   - the engine end to end at 0.5 MP and 12 MP;
#   - a 50-image batch through Remove-ImageBackground: images/s and the model's busy share;
#   - peak GPU memory (nvidia-smi, the whole device);
#   - how far the GPU's masks are from the CPU's (mean absolute difference in levels, IoU).
# Without a usable GPU it says why and exits 3; --allow-cpu runs every step on the CPU instead (how CI checks it).
#
# Usage: bash bench/gpu-check.sh [--allow-cpu] [--quick] [--no-build] [--count N] [--also model.onnx]...
#   --quick     12-MP end to end and the RMBG-2.0 graph left out, and a 4-image batch (for checking the script, not for figures)
#   --no-build  reuse the last build in the work folder ($RMBG_GPU_CHECK_WORK, default $TMPDIR/rmbgps-gpu-check)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${RMBG_GPU_CHECK_WORK:-${TMPDIR:-/tmp}/rmbgps-gpu-check}"
build=1 count=50 quick=0 bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-cpu) bench_args+=(--allow-cpu) ;;
    --quick) bench_args+=(--quick); count=4; quick=1 ;;
    --no-build) build=0 ;;
    --count) count="$2"; shift ;;
    --also) bench_args+=(--also "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
    *) echo "gpu-check.sh: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done

birefnet="${RMBG_BIREFNET_GRAPH:-$HOME/.cache/RmbgPS-bench/birefnet_random.onnx}"
if [ "$quick" = 0 ] && [ -f "$birefnet" ]; then
  bench_args+=(--also "$birefnet") # the RMBG-2.0-class figure that matters most
fi

echo "== GPU ($(date -u +%Y-%m-%dT%H:%MZ))"
gpu=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; then
  gpu=1
else
  echo "no NVIDIA GPU here: nvidia-smi is not installed or finds no device"
fi

copy="$work/src"
bench_dll="$copy/bench/RmbgPS.Bench/bin/Release/net10.0/RmbgPS.Bench.dll"
if [ "$build" = 1 ]; then
  echo "== build: the CUDA flavour (Microsoft.ML.OnnxRuntime.Gpu 1.32.0) in $copy"
  rm -rf "$copy"; mkdir -p "$copy"
  (cd "$repo" && tar cf - --exclude=bin --exclude=obj --exclude=out \
     RmbgPS.sln RmbgPS.psd1 src bench docs tests/RmbgPS.TestSupport tests/assets) | tar xf - -C "$copy"
  dotnet build "$copy/bench/RmbgPS.Bench/RmbgPS.Bench.csproj" -c Release -p:RmbgOrtFlavor=Gpu -nologo -v quiet
elif [ ! -f "$bench_dll" ]; then
  echo "gpu-check.sh: --no-build, but there is no build in $copy" >&2; exit 2
fi

echo "== test model and photos"
bash "$repo/tests/assets/fetch-test-assets.sh"

echo "== figures"
sampler=""
if [ "$gpu" = 1 ]; then
  (while nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits; do sleep 0.2; done > "$work/gpu-memory.txt" 2>/dev/null) &
  sampler=$!
fi
set +e
dotnet "$bench_dll" gpu --work "$work/run" --count "$count" "${bench_args[@]}"
rc=$?
set -e
if [ -n "$sampler" ]; then
  kill "$sampler" 2>/dev/null || true
  echo "peak GPU memory: $(sort -n "$work/gpu-memory.txt" | tail -1) MiB (nvidia-smi, whole device, sampled every 0.2 s)"
else
  echo "peak GPU memory: not measured (no nvidia-smi)"
fi
exit "$rc"
