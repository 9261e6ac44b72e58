#!/usr/bin/env python3
"""PyTorch's time for the GPU check's search workloads on the same card: a matrix product of the queries with
all rows, then topk(10), timed with CUDA events (median). Writes "<workload>\t<ms>" lines that GpuCheck reads;
the workload names are GpuCheck's. Usage: gpu-check-torch.py OUT [rows] [dim]"""
import sys

import torch


def main():
    out_path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    dim = int(sys.argv[3]) if len(sys.argv) > 3 else 768
    dev = torch.device("cuda")
    print(f"gpu-check-torch: torch {torch.__version__}, {torch.cuda.get_device_name(0)}, "
          f"matmul TF32 allowed: {torch.backends.cuda.matmul.allow_tf32}", flush=True)
    gen = torch.Generator(device=dev)
    gen.manual_seed(1)
    lines = []
    for dtype, name in ((torch.float32, "f32"), (torch.float16, "f16")):
        rows = (torch.rand(n, dim, device=dev, generator=gen) * 2 - 1).to(dtype)
        for batch in (1, 1000):
            queries = (torch.rand(batch, dim, device=dev, generator=gen) * 2 - 1).to(dtype)

            def work():
                scores = queries @ rows.T
                return torch.topk(scores, 10, dim=1)

            for _ in range(3):
                work()
            torch.cuda.synchronize()
            times = []
            for _ in range(20 if batch == 1 else 5):
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                work()
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            times.sort()
            ms = times[len(times) // 2]
            size = f"{n // 1_000_000}M" if n % 1_000_000 == 0 else str(n)
            label = f"search {name} {size} x {dim}, batch {batch}, top-10"
            print(f"gpu-check-torch: {label}: {ms:.3f} ms", flush=True)
            lines.append(f"{label}\t{ms:.4f}\n")
        del rows
        torch.cuda.empty_cache()
    with open(out_path, "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
