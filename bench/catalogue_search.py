"""Catalogue search over 2,000 procedures (a large city's catalogue), on SQLite or PostgreSQL.

    .venv/bin/python bench/catalogue_search.py                      # SQLite (/tmp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_catalogue \\
        .venv/bin/python bench/catalogue_search.py                  # PostgreSQL

Reports p50/p95 per query through the full Django stack, and the ratio to a trivial view measured
in the same run. Target: p95 under 20 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

from _harness import ROOT, markdown_table, measure, setup_django

SIZE = 2000
WORDS = ["Đăng ký", "Cấp", "Chứng thực", "Xác nhận", "Thay đổi", "Gia hạn", "Cấp lại",
         "Điều chỉnh", "Thu hồi", "Công nhận"]
OBJECTS = ["khai sinh", "kết hôn", "khai tử", "hộ kinh doanh", "giấy phép xây dựng",
           "bản sao", "chữ ký", "tình trạng hôn nhân", "quyền sử dụng đất", "hộ nghèo",
           "trợ cấp xã hội", "giấy phép lái xe", "biển số", "nuôi con nuôi", "giám hộ",
           "lý lịch tư pháp", "cư trú", "nhà ở", "môi trường", "an toàn thực phẩm"]


def populate() -> None:
    from procedures.models import (
        FormField,
        Procedure,
        ProcessingStep,
        RequiredDocument,
        Sector,
    )

    if Procedure.objects.filter(code__startswith="8.").count() >= SIZE:
        return
    rng = random.Random(2026)
    sectors = [
        Sector.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"Lĩnh vực {i}"})[0]
        for i in range(30)
    ]
    procedures = []
    for number in range(SIZE):
        name = f"{rng.choice(WORDS)} {rng.choice(OBJECTS)} {number}"
        procedure = Procedure(
            code=f"8.{number:06d}", name=name, sector=rng.choice(sectors),
            level=rng.choice([3, 4]), receiving_unit_kind=rng.choice(["ward", "district"]),
            processing_days=rng.randint(0, 15), result_document="Kết quả",
            status="published", current_version=1,
        )
        procedure.save()
        procedures.append(procedure)
    RequiredDocument.objects.bulk_create(
        RequiredDocument(procedure=p, key=f"doc-{i}", name=f"Giấy tờ {i}", order=i)
        for p in procedures for i in range(3))
    FormField.objects.bulk_create(
        FormField(procedure=p, key=f"f{i}", label=f"Trường {i}", field_type="text", order=i)
        for p in procedures for i in range(6))
    ProcessingStep.objects.bulk_create(
        ProcessingStep(procedure=p, name="Tiếp nhận", role="clerk", unit_kind="ward", order=0)
        for p in procedures)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    setup_django(default_sqlite="/tmp/bench-catalogue.sqlite3")
    populate()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from procedures.selectors import procedure_catalogue

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    queries = ["khai sinh", "dang ky ket hon", "GIẤY PHÉP XÂY DỰNG", "xac nhan", "8.001234",
               "không có gì khớp"]

    def ok(response):
        assert response.status_code == 200, response.status_code
        return response

    rows = [("trivial view", measure(lambda: ok(client.get("/bench/trivial")), repeat=args.repeat))]
    for query in queries:
        rows.append((f"ORM search “{query}” (first page)", measure(
            lambda q=query: list(procedure_catalogue(query=q)[:20]), repeat=args.repeat)))
    for query in queries[:3]:
        rows.append((f"API /api/v1/procedures/?q={query}", measure(
            lambda q=query: ok(client.get("/api/v1/procedures/", {"q": q})), repeat=args.repeat)))
        rows.append((f"page /thu-tuc/?q={query}", measure(
            lambda q=query: ok(client.get("/thu-tuc/", {"q": q})), repeat=args.repeat)))
    rows.append(("API list, no query, level=4", measure(
        lambda: ok(client.get("/api/v1/procedures/", {"level": 4})), repeat=args.repeat)))

    vendor = connection.vendor
    title = f"Catalogue search, {SIZE} procedures, {vendor}"
    table = markdown_table(title, rows, baseline="trivial view")
    print(table)
    out = Path(ROOT / "bench/results" / f"catalogue_search_{vendor}.md")
    out.write_text(table + f"\nPython {sys.version.split()[0]}, {os.cpu_count()} cores.\n",
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
