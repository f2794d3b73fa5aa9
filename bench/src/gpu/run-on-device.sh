#!/usr/bin/env bash
# The one command the GPU device machine runs (see pack.ts): unpacks the carried Vulkan loader, Node and
# Dawn, records the GPU, runs the tfjs-webgpu checks (parity, loss curve, latency, training throughput)
# and PyTorch's figures on the same GPU, and leaves every result under $OUT.
#   run({ command: 'bash bench/src/gpu/run-on-device.sh', carry: ['.gpu-pack'], timeout_s: 540 })
set -uo pipefail
cd "$(dirname "$0")/../../.."
pack=.gpu-pack
out=${OUT:-/tmp/icd-gpu-out}
mkdir -p "$out"
for deb in "$pack"/debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
xz -dc "$pack/node.xz" > /tmp/node && chmod +x /tmp/node
xz -dc "$pack/dawn.node.xz" > /tmp/dawn.node
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.txt" 2>&1
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
timeout 400 /tmp/node "$pack/device-checks.mjs" --backend webgpu --dawn /tmp/dawn.node \
  --out "$out/tfjs-webgpu.json" 2>&1 | tee "$out/tfjs-webgpu.log"
PYTHONUNBUFFERED=1 timeout 200 python3 bench/src/gpu/torch_gpu.py --out "$out/torch-gpu.json" 2>&1 |
  tee "$out/torch-gpu.log"
ls -la "$out"
