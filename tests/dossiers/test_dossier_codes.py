import datetime
import threading

import pytest
from django.db import connection, transaction

from dossiers.codes import next_dossier_code
from dossiers.services import dossier_submit


@pytest.mark.django_db
def test_codes_count_per_unit_and_day(units):
    ward, other = units["ward"], units["other_ward"]
    day = datetime.date(2026, 11, 25)
    with transaction.atomic():
        assert next_dossier_code(unit=ward, day=day) == "000.01.10.H17-261125-0001"
        assert next_dossier_code(unit=ward, day=day) == "000.01.10.H17-261125-0002"
        assert next_dossier_code(unit=other, day=day) == "000.01.11.H17-261125-0001"
        assert next_dossier_code(unit=ward, day=day + datetime.timedelta(days=1)) == (
            "000.01.10.H17-261126-0001")


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_sequential_codes(procedure, citizen, units):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this with DATABASE_URL)")
    from dossiers.services import dossier_attach, dossier_create_draft

    from .conftest import pdf

    drafts = []
    for _ in range(12):
        d = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                                 data={"ho_ten_tre": "Bé", "gioi_tinh": "nam",
                                       "ngay_sinh": "2026-01-01"})
        for key in ("to-khai", "giay-chung-sinh"):
            dossier_attach(dossier=d, acting_user=citizen, document_key=key, upload=pdf())
        drafts.append(d)
    barrier = threading.Barrier(len(drafts))
    codes, errors = [], []

    def submit(d):
        try:
            barrier.wait()
            codes.append(dossier_submit(dossier=d, acting_user=citizen).code)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_two_clerks_receiving_at_once_one_wins(submitted, clerk, django_user_model, units):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from dossiers.exceptions import DossierError
    from dossiers.services import dossier_receive

    from .conftest import make_staff

    second = make_staff(django_user_model, "clerk-b", units["ward"], "clerk")
    barrier = threading.Barrier(2)
    outcomes = []

    def receive(user):
        try:
            barrier.wait()
            dossier_receive(dossier=submitted, acting_user=user,
                            expected_version=submitted.version)
            outcomes.append("ok")
        except DossierError as exc:
            outcomes.append(exc.http_status)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive, args=(u,)) for u in (clerk, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [409, "ok"]
