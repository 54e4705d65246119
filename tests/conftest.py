import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _celery_in_process_unless_worker_test(request, settings):
    """Tasks run in-process, as in the embedded default, even when REDIS_URL is set; tests
    marked ``celery_worker`` go through the real broker and a real worker process instead.

    Celery reads its configuration through the Django settings with the ``CELERY_`` prefix
    first, so the Django setting is what decides (``app.conf.task_always_eager = …`` alone is
    shadowed by it on Celery 5.6); both are set so either lookup agrees."""
    from portal.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    assert app.conf.task_always_eager is eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """A request to /en/… leaves English active in the thread; every test starts in Vietnamese."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(config, items):
    """Worker tests need a broker; they only run where REDIS_URL is set (CI's second pass)."""
    if settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL and a real celery worker (.ci/run pass 2)")
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root-admin", password="S3cure-pass-2026", email="root@example.vn"
    )


@pytest.fixture
def admin_client_2fa(client, superuser):
    """A superuser session that has passed two-factor sign-in (TOTP), as staff must."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
