#!/usr/bin/env bash
# A measurement, not a ctest (issue 11; numbers in README "Quantization and precision plans"):
# weight bytes, deviation, top-1 and perplexity of the LLM families (llama, qwen2, llava) in fp32
# (fp16 = half: the same parameters at 2 B each; this CPU has no fp16 path) and int4 at group
# sizes 32/64/128/256/channel on libtorch, at the real models' widths (TinyLlama-1.1B,
# Qwen2-0.5B, LLaVA-1.5-7B's Llama-2-7B) with 2 decoder layers (llava: 2 vision layers, 112 px).
# Usage: tests/quant/measure_int4_groups.sh ACCELBENCH [DB]   (FAMS="llama" to restrict)
bin=${1:?usage: $0 ACCELBENCH [DB]}
db=${2:-int4_groups.duckdb}
fast=(--min-iterations 1 --min-time 0 --budget 0.1 --warmup-min 0 --warmup-max 1 --warmup-max-time 0.1 --ci-target 1 --no-progress-bar --batch 1 --seq 16 --time-limit 900 --threads 2 --db $db)
declare -A sets
sets[llama]="--set num_layers=2 --set hidden_size=2048 --set intermediate_size=5632 --set vocab_size=32000 --set num_heads=32 --set num_kv_heads=4"
sets[qwen2]="--set num_layers=2 --set hidden_size=896 --set intermediate_size=4864 --set vocab_size=151936 --set num_heads=14 --set num_kv_heads=2"
sets[llava]="--set num_layers=2 --set hidden_size=4096 --set intermediate_size=11008 --set vocab_size=32064 --set num_heads=32 --set num_kv_heads=32 --set vision_hidden_size=1024 --set vision_intermediate_size=4096 --set vision_num_layers=2 --set vision_num_heads=16 --set vision_patch_size=14 --set image_size=112"
for m in ${FAMS:-llama qwen2 llava}; do
  $bin run "${fast[@]}" --models $m --preset tiny ${sets[$m]} --precision fp32 --tag measure=int4_groups 2>&1 | grep -E "^\[|rror"
  for g in 32 64 128 256 channel; do
    $bin run "${fast[@]}" --models $m --preset tiny ${sets[$m]} --precision int4 --backend-option int4_group=$g --tag measure=int4_groups 2>&1 | grep -E "^\[|rror"
  done
done
