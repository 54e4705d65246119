"""Receipt (Mẫu 01) rendering speed: receipts per second per process and p50/p95 per render.

Target: p50 < 150 ms (the filing rush wants well under 40 ms). Also measures, each in fresh
processes, the first render of a process that was not warmed up, and a Celery worker's path:
``delivery.warmup`` (preload + one warm-up render) then its first real receipt. Renders every
slip once to PNG (bench/results/pdf-<kind>.png) for a human look at layout and diacritics, when
poppler's ``pdftoppm`` is installed.

    .venv/bin/python bench/render_receipts.py [--repeat 200] [--fresh 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def fresh_process(mode: str) -> dict:
    """Run in a new process: time its first receipt, warmed up the way a worker is or not."""
    from delivery import warmup
    from delivery.constants import DocumentKind
    from delivery.documents import render_pdf
    from delivery.samples import sample_context

    result = {}
    if mode == "worker":
        start = time.perf_counter()
        warmup.preload()
        result["preload_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        warmup.warm_up()
        result["warm_up_ms"] = (time.perf_counter() - start) * 1000
    context = replace(sample_context(DocumentKind.RECEIPT), code="000.17.22.H56-261125-9999")
    start = time.perf_counter()
    render_pdf(DocumentKind.RECEIPT, context)
    result["first_ms"] = (time.perf_counter() - start) * 1000
    return result


def in_fresh_processes(mode: str, times: int) -> dict:
    runs = []
    for _ in range(times):
        out = subprocess.run([sys.executable, __file__, "--fresh-probe", mode], check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--fresh", type=int, default=3,
                        help="fresh processes for each first-render figure (median)")
    parser.add_argument("--fresh-probe", choices=["cold", "worker"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if args.fresh_probe:
        print(json.dumps(fresh_process(args.fresh_probe)))
        return
    from delivery.constants import DocumentKind
    from delivery.documents import render_pdf
    from delivery.samples import sample_context

    cold = in_fresh_processes("cold", args.fresh)
    worker = in_fresh_processes("worker", args.fresh)

    base = sample_context(DocumentKind.RECEIPT)
    for _ in range(5):
        render_pdf(DocumentKind.RECEIPT, base)

    samples = []
    cpu_samples = []
    sizes = []
    wall_start = time.perf_counter()
    for index in range(args.repeat):
        # Each receipt differs (code, time) so no cache hides the work.
        context = replace(base, code=f"000.17.22.H56-261125-{index:04d}",
                          received_at=base.received_at + timedelta(minutes=index))
        start, cpu_start = time.perf_counter(), time.process_time()
        pdf = render_pdf(DocumentKind.RECEIPT, context)
        samples.append((time.perf_counter() - start) * 1000)
        cpu_samples.append((time.process_time() - cpu_start) * 1000)
        sizes.append(len(pdf))
    wall = time.perf_counter() - wall_start

    p50, p95 = statistics.median(samples), percentile(samples, 95)
    verdict = "meets" if p50 < 150 else "MISSES"
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Receipt (Mẫu 01) rendering",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.system()}",
        f"- renders: {args.repeat} distinct receipts, one process, after 5 warm-up renders",
        f"- load average when it finished: {os.getloadavg()[0]:.1f} (wall times include waiting "
        "for a CPU on a shared machine; CPU times do not)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| receipts per second per process | {args.repeat / wall:.1f} |",
        f"| p50 render time | {p50:.1f} ms |",
        f"| p95 render time | {p95:.1f} ms |",
        f"| max render time | {max(samples):.1f} ms |",
        f"| p50 / p95 CPU time per render | {statistics.median(cpu_samples):.1f} / "
        f"{percentile(cpu_samples, 95):.1f} ms |",
        f"| mean PDF size | {statistics.mean(sizes) / 1024:.1f} KiB |",
        "",
        f"First receipt of a fresh process (median of {args.fresh} processes each):",
        "",
        "| process | before the first receipt | first receipt |",
        "|---|---|---|",
        f"| not warmed up (imports, fonts, templates on the first receipt) | – | "
        f"{cold['first_ms']:.0f} ms |",
        f"| Celery worker: `delivery.warmup` preload (prefork parent) + warm-up (child) | "
        f"{worker['preload_ms']:.0f} + {worker['warm_up_ms']:.0f} ms at start | "
        f"{worker['first_ms']:.0f} ms |",
        "",
        f"Target p50 < 150 ms: **{verdict}**.",
    ]
    (RESULTS / "render_receipts.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))

    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as tmp:
            for kind in DocumentKind.values:
                pdf_path = Path(tmp) / f"{kind}.pdf"
                pdf_path.write_bytes(render_pdf(kind, sample_context(kind)))
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf_path),
                                str(RESULTS / f"pdf-{kind}")], check=True)
        print(f"PNG previews written to {RESULTS}/pdf-<kind>.png")


if __name__ == "__main__":
    main()
