"""The QĐ 766 service index on a hand-built week with known points (issue 16 §4).

Week 2026-W47 (Mon 16 – Sun 22 Nov 2026), seen on Wed 25 Nov. Points and targets are those
of reports/index766.json; each criterion = points × min(1, achieved % / target %), full points
when nothing was there to measure.

Phường Khuê Trung (W), paid level-4 procedure P (fee) and level-3 procedure Q (no fee):
  W1 P online, recv 16, due 18, done 17: on time, paid online, electronic result,
     files: 1 upload + 1 picked from the store; rated very satisfied (5/5 criteria)
  W2 P in person, recv 16, due 17, done 19: late, apology letter, not paid online;
     files: 1 upload; rated not satisfied (1/5 criteria: access)
  W3 P online, recv 17, due 19, done 20: late, no apology, paid online; no files
  W4 Q online, recv 18, due 19, still in progress: overdue at the end of the week;
     files: 2 picked from the store
  W5 P in person, recv 19, due 30, in progress: not overdue; files: 1 upload (the same bytes
     as an earlier upload: still an upload, not reuse)
Phường Hải Châu 1 (O):
  O1 Q online, recv 16, due 18, done 18: on time, electronic result, 1 upload; satisfied
  O2 Q online, recv 13 (week 46), done 23 (week 48): outside the week altogether
Phường Hòa Thọ Đông (H): no dossier at all: every criterion "không phát sinh", 100 points.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.testing import login_verified
from dossiers.models import Dossier, StoredDocument
from dossiers.services import dossier_attach
from reports import index766
from reports.services import stats_rebuild
from tests.dossiers.conftest import pdf

from .conftest import at, d, make_dossier, make_staff, rate

W47 = index766.Week(2026, 47)
URL = "/can-bo/thong-ke/chi-so-766/"


@pytest.fixture
def frozen(monkeypatch, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 24 * 3600
    monkeypatch.setattr(timezone, "now", lambda: at(25, 10))


def _files(dossier, citizen, uploads=(), picked=()):
    """Attaches through the real service while the dossier is a draft, then sets its state."""
    state = dossier.state
    Dossier.objects.filter(pk=dossier.pk).update(state="draft")
    dossier.refresh_from_db()
    for key in uploads:
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key, upload=pdf())
    for key, stored in picked:
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key,
                       stored_document=stored)
    Dossier.objects.filter(pk=dossier.pk).update(state=state)


@pytest.fixture
def week47(frozen, units, paid_procedure, level3_procedure, citizen):
    from delivery.models import Payment
    from units.models import Unit

    w, o, p, q = units["ward"], units["other_ward"], paid_procedure, level3_procedure
    Unit.objects.create(code="000.01.12.H17", name="Phường Hòa Thọ Đông", kind="ward",
                        parent=units["district"])
    kho = StoredDocument.objects.create(
        owner=citizen, title="Giấy chứng sinh", document_key="giay-chung-sinh", file="kho/a.pdf",
        sha256="1" * 64, size=10, content_type="application/pdf", original_name="a.pdf")
    result = StoredDocument.objects.create(
        owner=citizen, kind="result", title="Trích lục", file="kq/r.pdf", sha256="2" * 64,
        size=10, content_type="application/pdf", original_name="r.pdf")
    mk = make_dossier
    out = {
        "W1": mk(p, w, "W1", state="returned", channel="2", received=at(16), due=d(18),
                 finished=at(17), applicant=citizen),
        "W2": mk(p, w, "W2", state="returned", channel="1", received=at(16), due=d(17),
                 finished=at(19), applicant=citizen),
        "W3": mk(p, w, "W3", state="approved", channel="2", received=at(17), due=d(19),
                 finished=at(20), applicant=citizen),
        "W4": mk(q, w, "W4", state="in_progress", channel="2", received=at(18), due=d(19),
                 applicant=citizen),
        "W5": mk(p, w, "W5", state="in_progress", channel="1", received=at(19), due=d(30),
                 applicant=citizen),
        "O1": mk(q, o, "O1", state="returned", channel="2", received=at(16), due=d(18),
                 finished=at(18), applicant=citizen),
        "O2": mk(q, o, "O2", state="returned", channel="2", received=at(13), due=d(20),
                 finished=at(23), applicant=citizen),
    }
    _files(out["W1"], citizen, uploads=["to-khai"], picked=[("giay-chung-sinh", kho)])
    _files(out["W2"], citizen, uploads=["to-khai"])
    _files(out["W4"], citizen, picked=[("to-khai", kho), ("giay-chung-sinh", kho)])
    _files(out["W5"], citizen, uploads=["to-khai"])
    _files(out["O1"], citizen, uploads=["giay-chung-sinh"])
    Dossier.objects.filter(pk=out["W2"].pk).update(apology_count=1)
    Dossier.objects.filter(pk__in=[out["W1"].pk, out["O1"].pk]).update(result_document=result)
    for ref, status in (("W1", "paid"), ("W2", "pending"), ("W3", "paid")):
        Payment.objects.create(order_ref=f"PAY-{ref}", dossier_id=out[ref].pk,
                               description="Lệ phí", amount=8000, gateway="sandbox",
                               status=status)
    rate(out["W1"], "very_satisfied", at(18))
    rate(out["W2"], "not_satisfied", at(20), access_info="satisfied")
    rate(out["O1"], "satisfied", at(19))
    stats_rebuild()
    return out


def points(index) -> dict[str, float]:
    out = {"total": index.total}
    for group in index.groups:
        out[group.group.key] = group.score
        for c in group.criteria:
            out[c.criterion.key] = c.score
    return out


def by_key(index, key):
    return next(c for g in index.groups for c in g.criteria if c.criterion.key == key)


def test_points_of_a_ward(week47, units):
    index, _ranking = index766.scope_index([units["ward"].pk], W47, d(25))
    assert points(index) == {
        # late 2, apologised 1: 8 × 1/2 = 4; rated 2 of 3 resolved = 66.7 % ≥ target 50: 10
        "xin_loi": 4.0, "danh_gia": 10.0, "cong_khai": 14.0,
        # on time 1 of 3 resolved: 14/3 = 4.67; running 2, overdue 1 (W4): 6 × 1/2 = 3
        "dung_han": 4.67, "khong_qua_han": 3.0, "tien_do": 7.67,
        # procedures with dossiers 2 (P, Q), fully online 1 (P): 2;
        # online 3 of 5 = 60 % against 80 %: 8 × 0.75 = 6
        "thu_tuc_toan_trinh": 2.0, "ho_so_truc_tuyen": 6.0, "truc_tuyen": 8.0,
        # P had an online payment: 4; paid online 2 of 4 fee dossiers: 3
        "thu_tuc_thanh_toan": 4.0, "ho_so_thanh_toan": 3.0, "thanh_toan": 7.0,
        # satisfied 1 of 2: 6; criteria 6 of 10 (5 + 1): 3.6
        "hai_long_chung": 6.0, "hai_long_tieu_chi": 3.6, "hai_long": 9.6,
        # electronic results 1 of 3: 2.33; files in 4 of 5 dossiers: 5.6;
        # reused 3 of 6 files = 50 % = target: 8
        "ket_qua_dien_tu": 2.33, "so_hoa_ho_so": 5.6, "tai_su_dung": 8.0, "so_hoa": 15.93,
        "total": 62.2,
    }
    on_time = by_key(index, "dung_han")
    assert (on_time.numerator, on_time.denominator, on_time.ratio) == (1, 3, 33.3)
    assert on_time.advice == ("2 hồ sơ giải quyết trễ hạn làm mất 9,3 điểm; thêm 2 hồ sơ giải "
                              "quyết đúng hạn sẽ đạt đủ 14,0 điểm.")
    overdue = by_key(index, "khong_qua_han")
    assert overdue.advice.startswith("1 hồ sơ đang quá hạn làm mất 3,0 điểm")
    # 60 % online against 80 %: one more online filing of the five reaches the target
    assert "thêm 1 hồ sơ nộp trực tuyến" in by_key(index, "ho_so_truc_tuyen").advice
    assert by_key(index, "danh_gia").advice is None


def test_reuse_counts_only_documents_picked_from_the_store(week47, units):
    """Every upload also lands in the e-document store: before the fix each of them counted
    as reused (W: 6 of 6, O: 1 of 1). Only W1's and W4's picked documents are reuse."""
    ward, _ = index766.scope_index([units["ward"].pk], W47, d(25))
    other, _ = index766.scope_index([units["other_ward"].pk], W47, d(25))
    reuse, other_reuse = by_key(ward, "tai_su_dung"), by_key(other, "tai_su_dung")
    assert (reuse.numerator, reuse.denominator, reuse.ratio) == (3, 6, 50.0)
    assert (other_reuse.numerator, other_reuse.denominator, other_reuse.score) == (1 - 1, 1, 0)
    assert other_reuse.advice.startswith("1 giấy tờ tải lên thay vì lấy từ kho dữ liệu")
    assert list(week47["W5"].attachments.values_list("source", flat=True)) == ["upload"]
    assert sorted(week47["W1"].attachments.values_list("source", flat=True)) == [
        "store", "upload"]


def test_city_total_and_ranking_of_communes(week47, units):
    index, ranking = index766.scope_index(
        index766_scope(units["city"]), W47, d(25))
    # W + O: xin_loi 1/2 → 4, danh_gia 3/4 → 10; on time 2/4 → 7, overdue 1/2 → 3;
    # full online 1/2 → 2, online 4/6 against 80 % → 6.67; payments 4 + 2/4 × 6 = 3;
    # satisfied 2/3 × 12 = 8, criteria 11/15 × 6 = 4.4; electronic 2/4 × 7 = 3.5,
    # digitised 5/6 × 7 = 5.83, reused 3/7 against 50 % → 6.86
    assert points(index)["total"] == 68.26
    assert [(g.group.key, g.score) for g in index.groups] == [
        ("cong_khai", 14.0), ("tien_do", 10.0), ("truc_tuyen", 8.67), ("thanh_toan", 7.0),
        ("hai_long", 12.4), ("so_hoa", 16.19)]
    # H had nothing to measure (100), O lost only full-online procedures (4) and reuse (8),
    # W as above.
    assert [(r.rank, r.unit.name, r.index.total) for r in ranking] == [
        (1, "Phường Hòa Thọ Đông", 100.0), (2, "Phường Hải Châu 1", 88.0),
        (3, "Phường Khuê Trung", 62.2)]


def index766_scope(unit):
    from reports.selectors import scope_ids

    return scope_ids(unit)


@pytest.fixture
def city_leader(django_user_model, units):
    # A leader's assignment covers its own unit; the city-wide view is the district_admin
    # role's (accounts.selectors.SUBTREE_ROLES), as on the dashboard.
    return make_staff(django_user_model, "city_leader", units["city"], "district_admin")


def test_page_for_a_city_leader(week47, client, city_leader):
    login_verified(client, city_leader)
    response = client.get(URL, {"tuan": "2026-W47"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="total">68,26</strong>' in html
    assert "2 hồ sơ giải quyết trễ hạn làm mất 7,0 điểm" in html
    assert "Phường Hòa Thọ Đông" in html and "Phường Khuê Trung" in html


def test_page_is_scoped_and_refused_to_others(week47, client, leader, units, citizen,
                                              django_user_model):
    login_verified(client, leader)  # leader of Khuê Trung only
    response = client.get(URL, {"tuan": "2026-W47"})
    assert response.status_code == 200
    assert 'data-figure="total">62,2</strong>' in response.content.decode()
    assert client.get(URL, {"don_vi": units["other_ward"].pk}).status_code == 403
    assert client.get(URL, {"don_vi": "x"}).status_code == 404
    # A bad week shows the last complete week with a message, never a 500.
    bad = client.get(URL, {"tuan": "2099-W01"})
    assert bad.status_code == 200 and "không hợp lệ" in bad.content.decode()
    client.logout()
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    client.logout()
    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and "dang-nhap" in anonymous["Location"]


def test_exports(week47, client, city_leader, units):
    login_verified(client, city_leader)
    query = {"tuan": "2026-W47", "don_vi": units["city"].pk}
    response = client.get(URL + "xuat/xep-hang-766.csv", query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Hạng", "Phường, xã", "Tuần", "Tổng điểm"]
    assert [r[:4] for r in rows[1:]] == [
        ["1", "Phường Hòa Thọ Đông", "2026-W47", "100.0"],
        ["2", "Phường Hải Châu 1", "2026-W47", "88.0"],
        ["3", "Phường Khuê Trung", "2026-W47", "62.2"]]
    assert rows[3][4:] == ["14.0", "7.67", "8.0", "7.0", "9.6", "15.93"]
    response = client.get(URL + "xuat/chi-so-766.xlsx", {**query, "don_vi": units["ward"].pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    reuse = next(r for r in values if r[3] == "Giấy tờ lấy lại từ kho dữ liệu hoặc cơ sở dữ liệu")
    assert reuse[4:10] == [3, 6, 50, 50, 8, 8]
    assert values[-1][2:3] + values[-1][8:10] == ["Tổng điểm", 62.2, 100]
    assert client.get(URL + "xuat/khac.csv", query).status_code == 404


def test_query_count_does_not_grow_with_communes(week47, client, city_leader, units,
                                                 level3_procedure):
    from units.models import Unit

    login_verified(client, city_leader)
    client.get(URL, {"tuan": "2026-W47"})  # the session's first request does more
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"tuan": "2026-W47"}).status_code == 200
    for n in range(6):
        ward = Unit.objects.create(code=f"000.02.{n}.H17", name=f"Xã {n}", kind="ward",
                                   parent=units["other_district"])
        make_dossier(level3_procedure, ward, f"X{n}", state="in_progress", channel="2",
                     received=at(17), due=d(30))
    stats_rebuild()
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"tuan": "2026-W47"})
    assert response.status_code == 200 and "Xã 5" in response.content.decode()
    assert len(many) == len(few) <= 13


def test_the_definition_is_validated():
    from django.core.exceptions import ImproperlyConfigured

    spec = index766.definition()
    assert spec.total == 100 and [g.points for g in spec.groups] == [18, 20, 12, 10, 18, 22]
    import json

    raw = json.loads(index766.DATA_FILE.read_text(encoding="utf-8"))
    raw["groups"][0]["criteria"][0]["points"] = 9  # 19 ≠ 18
    with pytest.raises(ImproperlyConfigured, match="do not add up"):
        index766.parse_definition(raw)
    raw = json.loads(index766.DATA_FILE.read_text(encoding="utf-8"))
    raw["groups"][5]["criteria"][2]["measure"] = "reuse_of_anything"
    with pytest.raises(ImproperlyConfigured, match="unknown measure"):
        index766.parse_definition(raw)


def test_weeks():
    today = datetime.date(2026, 11, 25)
    assert index766.default_week(today) == W47
    assert (W47.start, W47.end) == (d(16), d(22))
    assert index766.parse_week("2026-W47", today) == W47
    assert index766.parse_week("2026-W49", today) is None  # not begun
    assert index766.parse_week("tuần 47", today) is None
    assert index766.parse_week("2026-W60", today) is None


def test_migration_derives_the_source_of_existing_attachments(week47, citizen):
    """Rows from before the source field: a stored document created by another dossier was
    picked from the store; the dossier's own upload stays an upload."""
    import importlib

    from django.apps import apps

    from dossiers.models import DossierAttachment

    migration = importlib.import_module("dossiers.migrations.0006_attachment_source")
    DossierAttachment.objects.update(source="upload")
    w5_upload = week47["W5"].attachments.get()
    own = StoredDocument.objects.filter(pk=w5_upload.stored_document_id)
    own.update(source_dossier=week47["W5"])
    migration.derive_sources(apps, None)
    sources = dict(DossierAttachment.objects.values_list("dossier__code", "source")
                   .filter(dossier__code__in=["W4", "W5"]))
    assert sources == {"W4": "store", "W5": "upload"}
