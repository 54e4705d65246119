import pytest

from tests.citizens.helpers import citizen, other_citizen  # noqa: F401


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    from citizens import sms

    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
