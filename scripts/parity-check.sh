#!/usr/bin/env bash
# Runs `./amdet encode` on every Hugging Face fixture in testdata/hf and compares the output with the goldens made
# by transformers 5.17 (fp32, tolerance 1e-4; ids exactly). Exit code non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
run() { # name model-path golden-folder
  ./amdet encode --model "$2" --prompts testdata/hf/prompts.json --out "$out/$1.safetensors" >/dev/null
  ./amdet compare "$out/$1.safetensors" "$3/golden.safetensors" --map pooled=text_embeds --map pooled=pooler_output \
    | sed "s/^/$1: /" || status=1
}
for m in clip-tiny clip-gelu-tiny longclip-tiny siglip-tiny clip-tiny-fp16 clip-tiny-bf16; do
  run "$m" "testdata/hf/$m" "testdata/hf/$m"
done
run longclip-pt testdata/hf/longclip-tiny/openai_layout_state_dict.pt testdata/hf/longclip-tiny
exit $status
