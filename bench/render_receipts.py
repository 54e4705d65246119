"""Receipt (Mẫu 01) rendering speed: receipts per second per process and p50/p95 per render.

Target: p50 < 150 ms. Also renders every slip once to PNG (bench/results/pdf-<kind>.png) for a
human look at layout and diacritics, when poppler's ``pdftoppm`` is installed.

    .venv/bin/python bench/render_receipts.py [--repeat 200]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from delivery.constants import DocumentKind
    from delivery.documents import render_pdf
    from delivery.samples import sample_context

    base = sample_context(DocumentKind.RECEIPT)
    first_start = time.perf_counter()
    render_pdf(DocumentKind.RECEIPT, base)
    cold_ms = (time.perf_counter() - first_start) * 1000
    for _ in range(5):
        render_pdf(DocumentKind.RECEIPT, base)

    samples = []
    sizes = []
    wall_start = time.perf_counter()
    for index in range(args.repeat):
        # Each receipt differs (code, time) so no cache hides the work.
        context = replace(base, code=f"000.17.22.H56-261125-{index:04d}",
                          received_at=base.received_at + timedelta(minutes=index))
        start = time.perf_counter()
        pdf = render_pdf(DocumentKind.RECEIPT, context)
        samples.append((time.perf_counter() - start) * 1000)
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
        f"- first render in a fresh process (fonts loaded): {cold_ms:.0f} ms",
        "",
        "| metric | value |",
        "|---|---|",
        f"| receipts per second per process | {args.repeat / wall:.1f} |",
        f"| p50 render time | {p50:.1f} ms |",
        f"| p95 render time | {p95:.1f} ms |",
        f"| max render time | {max(samples):.1f} ms |",
        f"| mean PDF size | {statistics.mean(sizes) / 1024:.1f} KiB |",
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
