"""Dossier fixtures (units, staff, citizen) shared with the dossier tests, plus a procedure
with an online fee and a fee exemption."""

from __future__ import annotations

import pytest

from tests.dossiers.conftest import (  # noqa: F401 - fixtures
    _sms,
    citizen,
    citizen_client,
    clerk,
    leader,
    other_citizen,
    other_clerk,
    pdf,
    processor,
    units,
)
from tests.factories import make_procedure

FEE = 50_000


@pytest.fixture
def paid_procedure(db):
    return make_procedure(
        fees=[{"name": "Lệ phí đăng ký khai sinh quá hạn", "amount": FEE, "note": ""}],
        fee_exemptions=[{"code": "ho-ngheo", "reason": "Thành viên hộ nghèo",
                         "proof_required": True}],
    )


@pytest.fixture(autouse=True)
def _sandbox(settings):
    from delivery.postal import sandbox

    settings.PAYMENT_GATEWAY_BACKEND = settings.SANDBOX_PAYMENT_GATEWAY
    settings.POSTAL_PROVIDER_BACKEND = settings.SANDBOX_POSTAL_PROVIDER
    sandbox.TRACKING.clear()
    yield
    sandbox.TRACKING.clear()
