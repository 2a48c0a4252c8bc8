#!/bin/bash
# Every GPU figure the README's Throughput section asks for, in one run (about 9 minutes
# on an H100/H200; run it alone on the machine):
#
#     bash docs/measurements/gpu_figures.sh [OUT_DIR]
#
# 1. `bench --device cuda --split`: AlexNet (random weights) + CPPN with the paper's 400
#    offspring and ten crops, the same with centre crops, AlexNet + direct, the shipped
#    EfficientNet-Lite0 + CPPN, LeNet + CPPN and direct; each prints loop and bare
#    forward evaluations per second, their ratio and the time per stage.
# 2. The paper's ImageNet experiment, 1000 classes, CPPN, 400 offspring: as many of its
#    5,000 generations as fit in 3 minutes each on AlexNet and on EfficientNet-Lite0;
#    summary.json holds the generations run and the wall time, from which the full
#    run's loop time follows (it stays flat per generation: see long_run.py).
# 3. Two seeded GPU runs of `evolve`, compared PNG by PNG (what "same seed, same
#    images" means on this GPU).
#
# Everything goes to OUT_DIR (default gpu_figures/); figures.txt collects the output.
set -u
out=${1:-gpu_figures}
mkdir -p "$out"
log="$out/figures.txt"
export FOOLING_GUI_OFFLINE=1
device=${DEVICE:-cuda}  # DEVICE=cpu for a smoke test of the script itself
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
  nproc
} | tee "$log"

bench() {
  echo "== fooling-gui bench $*" | tee -a "$log"
  fooling-gui bench --device "$device" --split --quiet "$@" 2>&1 | tee -a "$log"
}
bench --model alexnet --random-init --encoding cppn --batch 400 --seconds 40
bench --model alexnet --random-init --encoding cppn --batch 400 --set crops=centre --seconds 30
bench --model alexnet --random-init --encoding direct --seconds 30
bench --model efficientnet_lite0 --encoding cppn --batch 400 --set crops=centre --seconds 30
bench --model lenet --encoding cppn --seconds 20
bench --model lenet --encoding direct --seconds 20

for model in alexnet efficientnet_lite0; do
  extra=()
  [ "$model" = alexnet ] && extra=(--random-init)
  echo "== experiment imagenet --model $model (3 minutes)" | tee -a "$log"
  fooling-gui experiment imagenet --model "$model" "${extra[@]}" --device "$device" \
    --encoding cppn --minutes 3 --quiet --force --out "$out/experiment_$model" 2>&1 | tee -a "$log"
  python - "$out/experiment_$model/summary.json" <<'EOF' | tee -a "$log"
import json, sys
s = json.load(open(sys.argv[1]))
gens, secs = s.get("generations"), s.get("wall_seconds")
if gens and secs:
    print(f"{gens} generations in {secs:.0f} s: 5,000 would take {5000 * secs / gens / 60:.1f} min")
EOF
done

for k in 1 2; do
  fooling-gui evolve --model alexnet --random-init --device "$device" --encoding cppn \
    --set crops=centre --batch 64 --generations 20 --classes 1,2,3,4,5,6,7,8 --seed 4 \
    --quiet --force --out "$out/same_$k" > /dev/null 2>&1
done
python - "$out/same_1" "$out/same_2" <<'EOF' | tee -a "$log"
import sys
from pathlib import Path
import numpy as np
from PIL import Image
a, b = (sorted(Path(p).rglob("*.png")) for p in sys.argv[1:3])
# Pixels, not bytes: a PNG's text chunk records the run's wall time.
same = sum(np.array_equal(np.asarray(Image.open(x)), np.asarray(Image.open(y)))
           for x, y in zip(a, b))
print(f"two seeded GPU runs: {same} of {len(a)} PNGs with identical pixels")
EOF
echo "Figures in $log"
