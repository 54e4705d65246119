"""View decorators: citizens must be signed in; staff must also have passed two-factor."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch

from accounts.selectors import is_staff_member


def _to_login(request):
    try:
        return redirect_to_login(request.get_full_path())
    except NoReverseMatch:
        raise PermissionDenied from None


def citizen_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if not is_staff_member(request.user):
            raise PermissionDenied
        verified = getattr(request.user, "is_verified", lambda: False)()
        if not verified:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def may_read_private_file(request, *, owner_id: int | None, dossier=None,
                          purpose: str = "") -> bool:
    """The one access rule for every private download: its owner (the citizen whose
    e-document store or dossier it is), or — for a dossier's file — staff of a unit handling
    the dossier who passed two-factor, with a personal-data access row for the read. Anyone
    else: False (the views answer 404, so the file does not exist for them)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if owner_id is not None and owner_id == user.pk:
        return True
    if dossier is None:
        return False
    from .selectors import can_view_dossier
    from .services import personal_data_access_record

    if not can_view_dossier(user, dossier):
        return False
    if not getattr(user, "is_verified", lambda: False)():
        return False
    personal_data_access_record(dossier=dossier, user=user, purpose=purpose)
    return True


def may_read_dossier_file(request, dossier, *, purpose: str) -> bool:
    """``may_read_private_file`` for a dossier's files (attachments, generated PDFs, the
    counter's authorisation scan)."""
    if dossier is None:
        return False
    return may_read_private_file(request, owner_id=dossier.applicant_id, dossier=dossier,
                                 purpose=purpose)
