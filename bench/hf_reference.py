#!/usr/bin/env python3
"""Hugging Face transformers eager reference for bench/gpu_vs_hf.sh (issue 13).

The same architectures as accelbench's presets, built from transformers' default configs with
random weights (no downloads): BertModel(BertConfig()) at seq 128, ViTModel(ViTConfig()) at
224x224, WhisperForConditionalGeneration(WhisperConfig()) on 30 s of log-mel frames + 1 decoder
token; TinyLlama-1.1B-shaped LlamaForCausalLM decode tokens/s through `generate` (greedy, eager,
no torch.compile). Timing: median of --iters runs after --warmup runs, torch.inference_mode,
the device synchronised around every run. Prints one CSV row per measurement:
    model,dtype,batch,median_ms,items_per_s
(items are sequences / images / clips; tokens for the decode row, model "tinyllama-decode").
With --graph-floor the rows time graph replays instead (a diagnostic; a capture that fails is
reported on stderr and leaves its row out). Run it as its own process: a failed capture cannot
disturb the eager measurements.
"""
import argparse
import os
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="bert,vit,whisper")
    p.add_argument("--dtypes", default="fp16,fp32")
    p.add_argument("--batches", default="1,8,64")
    p.add_argument("--iters", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seq", type=int, default=128, help="BERT sequence length")
    p.add_argument("--decode", action="store_true", help="also TinyLlama-shaped decode, batch 1")
    p.add_argument("--prompt", type=int, default=128, help="decode: prompt tokens")
    p.add_argument("--new-tokens", type=int, default=32, help="decode: generated tokens")
    p.add_argument("--device", default="cuda")
    p.add_argument("--tiny", action="store_true", help="tiny configs (a smoke run on any CPU)")
    p.add_argument("--graph-floor", action="store_true",
                   help="diagnostic instead of eager: time the HF forward captured once in a CUDA "
                        "graph and replayed (HF's own kernels without Python and launch "
                        "overhead; not what users run, not the target). CUDA only, no decode")
    p.add_argument("--profile", action="store_true",
                   help="diagnostic: also print, per configuration, the top GPU kernels of 5 "
                        "eager forwards under torch.profiler (the format of accelbench's "
                        "profile_ops) on stderr. CUDA only")
    p.add_argument("--out", default="", help="also write the CSV here")
    return p.parse_args()


def main():
    args = parse_args()
    import torch
    import transformers as tf

    dev = torch.device(args.device)
    dtypes = {"fp16": torch.float16, "fp32": torch.float32, "bf16": torch.bfloat16}
    # precision fp32 means fp32: the same default as accelbench (tf32=off).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)

    def median_ms(fn):
        with torch.inference_mode():
            for _ in range(args.warmup):
                fn()
            sync()
            times = []
            for _ in range(args.iters):
                t0 = time.perf_counter()
                fn()
                sync()
                times.append((time.perf_counter() - t0) * 1000.0)
        return statistics.median(times)

    def graph_ms(fn):
        """HF's forward captured once in a CUDA graph, then median_ms of its replays."""
        with torch.inference_mode():
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for _ in range(3):
                    fn()
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                fn()
        return median_ms(graph.replay)

    def profile(fn, top=12, steps=5):
        """Top GPU kernels of `steps` eager forwards: 'gpu time per step X ms: name ms pct% xN'."""
        from torch.profiler import ProfilerActivity, profile as torch_profile
        with torch.inference_mode():
            fn()
            sync()
            with torch_profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
                for _ in range(steps):
                    fn()
                    sync()
        rows = []
        for e in prof.key_averages():
            us = getattr(e, "self_device_time_total", None)
            if us is None:
                us = getattr(e, "self_cuda_time_total", 0)
            if (str(getattr(e, "device_type", "")).endswith("CUDA") and us > 0
                    and not e.key.startswith("aten::")):  # GPU annotations mirror ops: skip
                rows.append((us, e.key, e.count))
        if not rows:  # older/newer attribute layouts: every entry with device self time
            for e in prof.key_averages():
                us = getattr(e, "self_device_time_total", None)
                if us is None:
                    us = getattr(e, "self_cuda_time_total", 0)
                if us > 0 and not e.key.startswith("aten::"):
                    rows.append((us, e.key, e.count))
        rows.sort(key=lambda r: (-r[0], r[1]))
        total = sum(r[0] for r in rows)
        parts = [f"{(k[:87] + '...') if len(k) > 90 else k} {us / steps / 1000:.3f} ms "
                 f"{100.0 * us / total if total else 0:.1f}% x{n / steps:g}"
                 for us, k, n in rows[:top]]
        return f"gpu time per step {total / steps / 1000:.3f} ms: " + "; ".join(parts)

    if args.profile and dev.type != "cuda":
        raise SystemExit("--profile: CUDA only")
    if args.graph_floor and (dev.type != "cuda" or args.decode):
        raise SystemExit("--graph-floor: CUDA only, without --decode")

    tiny = args.tiny
    rows = []

    def csv_text():
        lines = ["model,dtype,batch,median_ms,items_per_s"]
        lines += [f"{n},{d},{b},{ms:.4f},{ips:.2f}" for n, d, b, ms, ips in rows]
        return "\n".join(lines) + "\n"

    def save():  # after every row: a timeout or an error later keeps the rows measured so far
        if args.out:
            with open(args.out + ".tmp", "w") as f:
                f.write(csv_text())
            os.replace(args.out + ".tmp", args.out)

    def build(name):
        if name == "bert":
            cfg = tf.BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                                intermediate_size=128, vocab_size=1000) if tiny else tf.BertConfig()
            return tf.BertModel(cfg), cfg
        if name == "vit":
            cfg = tf.ViTConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=128, image_size=32, patch_size=8) \
                if tiny else tf.ViTConfig()
            return tf.ViTModel(cfg), cfg
        if name == "whisper":
            cfg = tf.WhisperConfig(d_model=64, encoder_layers=2, decoder_layers=2,
                                   encoder_attention_heads=4, decoder_attention_heads=4,
                                   encoder_ffn_dim=128, decoder_ffn_dim=128, vocab_size=512,
                                   max_source_positions=32, decoder_start_token_id=1,
                                   pad_token_id=0, bos_token_id=1, eos_token_id=2) \
                if tiny else tf.WhisperConfig()
            return tf.WhisperForConditionalGeneration(cfg), cfg
        raise SystemExit(f"unknown model {name}")

    def inputs(name, cfg, batch):
        g = torch.Generator().manual_seed(0)
        if name == "bert":
            seq = min(args.seq, cfg.max_position_embeddings)
            ids = torch.randint(0, cfg.vocab_size, (batch, seq), generator=g)
            return {"input_ids": ids.to(dev), "attention_mask": torch.ones_like(ids).to(dev)}
        if name == "vit":
            px = torch.randn(batch, cfg.num_channels, cfg.image_size, cfg.image_size, generator=g)
            return {"pixel_values": px}
        mel = torch.randn(batch, cfg.num_mel_bins, 2 * cfg.max_source_positions, generator=g)
        return {"input_features": mel,
                "decoder_input_ids": torch.full((batch, 1), cfg.decoder_start_token_id or 0)}

    for name in args.models.split(","):
        if not name:
            continue
        model, cfg = build(name)
        model.eval()
        for dname in args.dtypes.split(","):
            dt = dtypes[dname]
            if dev.type == "cpu" and dt == torch.float16:
                print(f"# {name} {dname}: skipped on cpu", file=sys.stderr)
                continue
            m = model.to(dev, dt)
            for batch in [int(b) for b in args.batches.split(",")]:
                feed = {}
                for k, v in inputs(name, cfg, batch).items():
                    v = v.to(dev)
                    feed[k] = v.to(dt) if v.is_floating_point() else v
                try:
                    ms = (graph_ms if args.graph_floor else median_ms)(lambda: m(**feed))
                except torch.cuda.OutOfMemoryError as e:  # recorded, not fatal
                    print(f"# {name} {dname} batch {batch}: out of memory: {e}", file=sys.stderr)
                    continue
                except RuntimeError as e:  # graph capture refused: recorded, not fatal
                    if not args.graph_floor:
                        raise
                    print(f"# {name} {dname} batch {batch}: graph capture failed: "
                          f"{str(e)[:300]}", file=sys.stderr)
                    continue
                rows.append((name, dname, batch, ms, batch / (ms / 1000.0)))
                save()
                if args.profile:
                    try:
                        print(f"# hf profile {name} {dname} batch {batch}: eager step x5, "
                              f"{profile(lambda: m(**feed))}", file=sys.stderr, flush=True)
                    except Exception as e:  # a diagnostic only
                        print(f"# hf profile {name} {dname} batch {batch}: failed: "
                              f"{type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
                kind = "graph-replayed" if args.graph_floor else "eager"
                print(f"# hf {kind} {name} {dname} batch {batch}: {ms:.3f} ms", file=sys.stderr,
                      flush=True)
        del model
        if dev.type == "cuda":
            torch.cuda.empty_cache()

    if args.decode:
        cfg = tf.LlamaConfig(vocab_size=512, hidden_size=64, intermediate_size=128,
                             num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2) \
            if tiny else tf.LlamaConfig(vocab_size=32000, hidden_size=2048,
                                        intermediate_size=5632, num_hidden_layers=22,
                                        num_attention_heads=32, num_key_value_heads=4,
                                        max_position_embeddings=2048)
        dt = torch.float16 if dev.type == "cuda" else torch.float32
        with torch.device(dev):  # random init directly on the device (1.1B parameters)
            lm = tf.LlamaForCausalLM(cfg).to(dt).eval()
        ids = torch.randint(0, cfg.vocab_size, (1, args.prompt),
                            generator=torch.Generator().manual_seed(0)).to(dev)

        def gen(n):
            return lambda: lm.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                       max_new_tokens=n, min_new_tokens=n, pad_token_id=0,
                                       use_cache=True)

        one = median_ms(gen(1))  # prompt prefill + the first token
        full = median_ms(gen(args.new_tokens))
        per_token = (full - one) / (args.new_tokens - 1)
        rows.append(("tinyllama-decode", "fp16" if dt == torch.float16 else "fp32", 1, per_token,
                     1000.0 / per_token))
        save()
        print(f"# hf decode: {per_token:.3f} ms/token ({full:.1f} ms for {args.new_tokens}, "
              f"{one:.1f} ms for 1)", file=sys.stderr)

    sys.stdout.write(csv_text())
    save()


if __name__ == "__main__":
    main()
