"""Reads for citizens: their addresses (always scoped to the owner), unit choices and the
applicant data a filing form is prefilled with."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from procedures.constants import IDENTITY_DATA, ApplicantDatum
from units.constants import UnitKind
from units.models import Unit

from .models import CitizenProfile, DeliveryAddress, PrivacyNotice


def delivery_addresses_of(user) -> QuerySet[DeliveryAddress]:
    return DeliveryAddress.objects.filter(owner_id=user.pk).select_related(
        "province", "district", "ward"
    )


def ward_choices() -> list[tuple[int, str]]:
    """Every active ward labelled 'Ward, District, Province' with one query."""
    units = {u.pk: u for u in Unit.objects.active()}
    choices = []
    for unit in units.values():
        if unit.kind != UnitKind.WARD:
            continue
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        names = [units[i].name for i in reversed(ids) if i in units]
        choices.append((unit.pk, ", ".join(names)))
    return sorted(choices, key=lambda c: c[1])


def ward_hierarchy(ward: Unit) -> tuple[Unit, Unit | None]:
    """(province, district or None) above a ward, for two- and three-tier trees alike."""
    ancestors = list(ward.ancestors())
    province = next((u for u in ancestors if u.kind == UnitKind.PROVINCE), None)
    district = next((u for u in ancestors if u.kind == UnitKind.DISTRICT), None)
    if province is None:
        province = ancestors[0] if ancestors else ward
    return province, district


# --- the applicant's own data, for the filing form's bound fields -----------------------------

def _gender_from_cccd(national_id: str) -> str:
    """The CCCD's fourth digit codes century and sex: even for men, odd for women."""
    if len(national_id or "") == 12 and national_id.isdigit():
        return "nam" if int(national_id[3]) % 2 == 0 else "nu"
    return ""


def applicant_data(user) -> dict[str, Any]:
    """What the portal knows about a signed-in citizen, by ``procedures.constants
    .ApplicantDatum`` key; a datum it does not know is absent."""
    profile = CitizenProfile.objects.filter(user_id=user.pk).first()
    address = delivery_addresses_of(user).first()
    data: dict[str, Any] = {
        ApplicantDatum.FULL_NAME: user.full_name,
        ApplicantDatum.PHONE: _national_phone(user.phone or ""),
        ApplicantDatum.EMAIL: user.email,
        ApplicantDatum.PERMANENT_ADDRESS: address.one_line if address else "",
    }
    if profile is not None:
        data.update({
            ApplicantDatum.CCCD: profile.national_id,
            ApplicantDatum.DATE_OF_BIRTH: profile.date_of_birth,
            ApplicantDatum.BIRTH_YEAR: profile.date_of_birth.year,
            ApplicantDatum.GENDER: _gender_from_cccd(profile.national_id),
        })
    return {str(key): value for key, value in data.items() if value not in (None, "")}


def verified_applicant_data(user) -> frozenset[str]:
    """The identity data checked at registration, hence locked in bound fields: the CCCD and
    birth date were checked against each other and the account confirmed by a code sent to
    its phone. Contacts and address stay editable (a dossier may give another phone)."""
    if user.phone_verified_at is None or not CitizenProfile.objects.filter(
            user_id=user.pk).exists():
        return frozenset()
    return frozenset(str(key) for key in IDENTITY_DATA)


def _national_phone(phone: str) -> str:
    """'+84905123456' -> '0905123456', the way citizens write it."""
    return "0" + phone[3:] if phone.startswith("+84") else phone


def privacy_notice_current() -> PrivacyNotice | None:
    """The notice in force: the latest one published."""
    from django.utils import timezone

    return PrivacyNotice.objects.filter(published_at__lte=timezone.now()).first()


def data_requests_of(user):
    from .models import DataSubjectRequest

    return DataSubjectRequest.objects.filter(citizen_id=user.pk).order_by("-created_at", "-id")


def data_requests_open():
    """The city's queue of open personal-data requests, the most urgent first."""
    from .constants import DataRequestStatus
    from .models import DataSubjectRequest

    return (DataSubjectRequest.objects.filter(status=DataRequestStatus.OPEN)
            .select_related("citizen").order_by("due_at", "id"))
