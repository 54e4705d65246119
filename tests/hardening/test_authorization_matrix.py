"""Every URL of the portal × every role × own/other unit and dossier.

The URL list comes from the URL conf itself: a new URL that is not classified below fails the
test, so nothing can be added without deciding who may see it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from tests.factories import make_dossier, make_procedure, make_unit_tree

# Who may open each URL (GET). Names are "namespace:name" as in {% url %}.
PUBLIC = {
    "healthz", "trivial", "api-schema", "api-docs", "procedure-list", "procedure-detail",
    "dossier-track", "home", "procedures:catalogue", "procedures:detail", "procedures:guide",
    "dossiers:track", "dossiers:board", "accounts:login", "citizens:register",
    "citizens:register_confirm", "citizens:privacy_notice",
    "citizens:password_reset", "citizens:password_reset_complete", "delivery:sandbox-pay",
    "delivery:payment-return", "set_language", "api-auth-token", "admin:login",
    "stats-figures", "stats-units", "stats-procedures", "reports:index", "reports:unit",
}
# The owner's private things: nobody else, staff included, gets them.
CITIZEN_OWN = {
    "dossiers:detail", "dossiers:edit", "dossiers:supplement", "dossiers:withdraw",
    "dossiers:stored_document", "citizens:address_edit", "citizens:address_delete",
    "me-address-detail", "dossier-attachments", "dossier-submit", "delivery:pay-dossier",
    "ratings:rate", "dossier-rating", "dossiers:autosave", "dossiers:upload",
    "dossiers:delete_draft",
}
# A dossier's files and data: the owner and the staff of the units handling it.
DOSSIER_OBJECT = {"dossier-detail", "dossiers:attachment", "delivery_documents:download",
                  "delivery_documents:authorisation"}
# Pages about the signed-in user only (no object of someone else can be named in the URL).
SIGNED_IN = {
    "dossiers:mine", "dossiers:store", "dossiers:file", "dossiers:autosave_new",
    "citizens:verify", "citizens:profile", "citizens:my_data", "citizens:my_data_json",
    "citizens:my_data_pdf",
    "citizens:addresses", "citizens:address_add", "api-me", "me-address-list", "dossier-list",
    "accounts:logout", "accounts:sign_out_everywhere", "accounts:otp_verify",
    "accounts:otp_enroll", "accounts:security", "api-auth-logout", "api-auth-logout-all",
}
# Staff of the dossier's unit (with two-factor); other units get 404.
STAFF_UNIT_OBJECT = {
    "dossiers_staff:detail", "dossiers_staff:act", "dossiers_staff:control_sheet",
    "delivery_documents:control_sheet", "delivery_staff:counter", "dossier-transitions",
    "ratings_staff:kiosk_rate",
}
# Staff pages and lists, scoped to the viewer's units.
STAFF = {
    "staff:dashboard", "staff:staff_list", "staff:staff_add", "staff:staff_deactivate",
    "dossiers_staff:queue", "dossiers_staff:reception", "delivery_staff:counter_find",
    "dossier-queue", "staff-procedure-list", "staff-procedure-import-",
    "staff-procedure-export", "reports_staff:dashboard", "reports_staff:dossiers",
    "reports_staff:export", "reports_staff:index766", "reports_staff:index766_export",
    "ratings_staff:kiosk", "stats-overdue",
    "delivery_staff:overpayments", "delivery_staff:overpayment_refund",
    "delivery_staff:logbook",
    "citizens_staff:queue", "citizens_staff:answer", "citizens_staff:access_log",
}
# Server-to-server callbacks: signed, never a session.
CALLBACKS = {"delivery_callbacks:payment-ipn", "delivery_callbacks:postal-status"}
EXTRA_CLASSES: dict[str, set[str]] = {}  # filled by apps' own sections below

ROLES = ["anonymous", "owner", "other_citizen", "clerk", "other_clerk", "district_admin",
         "superuser"]
STAFF_ROLES = {"clerk", "other_clerk", "district_admin", "superuser"}


def url_patterns(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def classify(route: str, name: str | None) -> str | None:
    if name in PUBLIC:
        return "public"
    if route.startswith(("admin/", "en/admin/")) or (name or "").startswith("admin:"):
        return "admin"
    if route.startswith("^media/") or route.startswith("^static/"):
        return "files"
    for label, names in (("public", PUBLIC), ("citizen_own", CITIZEN_OWN),
                         ("dossier_object", DOSSIER_OBJECT),
                         ("signed_in", SIGNED_IN), ("staff_unit_object", STAFF_UNIT_OBJECT),
                         ("staff", STAFF), ("callback", CALLBACKS), *EXTRA_CLASSES.items()):
        if name in names:
            return label
    return None


@pytest.fixture
def world(db):
    User = get_user_model()
    units = make_unit_tree()
    procedure = make_procedure()
    owner = User.objects.create_user("owner", password="x", full_name="Nguyễn Văn An",
                                     phone="+84905111222")
    other = User.objects.create_user("other", password="x", full_name="Trần Thị Bình",
                                     phone="+84905333444")
    users = {"owner": owner, "other_citizen": other}
    for role, unit, username in (("clerk", units["ward"], "clerk"),
                                 ("clerk", units["other_ward"], "other_clerk")):
        user = User.objects.create_user(username, password="x", full_name=username)
        StaffAssignment.objects.create(user=user, unit=unit, role=role)
        users[username] = user
    admin = User.objects.create_user("qt", password="x", full_name="Quản trị", is_staff=True)
    StaffAssignment.objects.create(user=admin, unit=units["district"], role="district_admin")
    users["district_admin"] = admin
    users["superuser"] = User.objects.create_superuser("root", password="x")

    from citizens.services import delivery_address_create
    dossier = make_dossier(state="received", procedure=procedure, citizen=owner, units=units,
                           clerk=users["clerk"])
    address = delivery_address_create(owner=owner, ward=units["ward"], street="45 Trần Thủ Độ",
                                      recipient_name="Nguyễn Văn An",
                                      recipient_phone="0905111222")
    return {"units": units, "procedure": procedure, "users": users, "dossier": dossier,
            "address": address}


def client_for(role: str, world) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = world["users"][role]
    if role in STAFF_ROLES:
        login_verified(client, user)
    else:
        client.force_login(user)
    return client


def concrete(route: str, name: str, world) -> str | None:
    """Fills a route's parameters with objects of the owner / ward A."""
    dossier = world["dossier"]
    values = {
        "code": world["procedure"].code, "ref": dossier.code, "unit_code": world["units"][
            "ward"].code, "user_id": str(world["users"]["clerk"].pk),
    }
    if name in ("dossier-track",):
        values["code"] = dossier.code
    if name == "reports:unit":
        values["code"] = world["units"]["ward"].code
    pk_sources = {
        "dossiers:attachment": lambda: dossier.attachments.first(),
        "dossiers:stored_document": lambda: dossier.attachments.first().stored_document,
        "citizens:address_edit": lambda: world["address"],
        "citizens:address_delete": lambda: world["address"],
        "me-address-detail": lambda: world["address"],
        "delivery_documents:download": lambda: _first_document(dossier),
    }
    if name in pk_sources:
        obj = pk_sources[name]()
        if obj is None:
            return None
        values["pk"] = str(obj.pk)
    url = re.sub(r"\^|\$", "", route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "x"), url)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), url)
    return "/" + url


def _first_document(dossier):
    try:
        from delivery.models import GeneratedDocument
    except ImportError:
        return None
    return GeneratedDocument.objects.filter(dossier_id=dossier.pk).first() if hasattr(
        GeneratedDocument, "dossier_id") else None


def sends_to_sign_in(response) -> bool:
    return response.status_code in (302, 303) and any(
        part in response["Location"] for part in ("dang-nhap", "login", "xac-thuc-hai-buoc"))


def test_every_url_is_classified():
    unclassified = [(route, name) for route, name in url_patterns()
                    if classify(route, name) is None]
    assert unclassified == [], "classify these URLs in the authorization matrix"


def test_authorization_matrix(world):
    failures = []
    clients = {role: client_for(role, world) for role in ROLES}
    dossier_code = world["dossier"].code
    for route, name in url_patterns():
        kind = classify(route, name)
        if kind in ("files", None) or "(?P<url>" in route or "app_label" in route:
            continue
        url = concrete(route, name, world)
        if url is None:
            continue
        for role in ROLES:
            response = clients[role].get(url)
            status = response.status_code
            where = f"{role:14} GET {url} ({name}) -> {status}"
            if status >= 500:
                failures.append(where + " server error")
                continue
            if kind == "public":
                # 400: a page that needs parameters (a payment return) refuses an empty call.
                if status not in (200, 302, 400, 405):
                    failures.append(where + " public page not reachable")
            elif kind == "citizen_own":
                if role == "owner":
                    continue
                if status == 200:
                    failures.append(where + " someone else's object was served")
            elif kind == "signed_in":
                if role == "anonymous" and status == 200:
                    failures.append(where + " anonymous reached a signed-in page")
                if status == 200 and role != "owner" and dossier_code in response.content.decode(
                        errors="ignore"):
                    failures.append(where + " shows the owner's dossier to someone else")
            elif kind == "dossier_object":
                if role in ("owner", "clerk", "district_admin", "superuser"):
                    continue
                if status == 200:
                    failures.append(where + " dossier data outside owner and handling unit")
            elif kind == "staff_unit_object":
                if role in ("clerk", "district_admin", "superuser"):
                    continue
                if status == 200:
                    failures.append(where + " staff object outside the viewer's units")
            elif kind == "staff":
                if role in ("anonymous", "owner", "other_citizen"):
                    if status == 200 and not url.startswith("/api/v1/staff/procedures/"):
                        failures.append(where + " non-staff reached a staff page")
                    if status == 200 and url.startswith("/api/"):
                        failures.append(where + " non-staff reached a staff API")
                if role == "other_clerk" and status == 200 and dossier_code in \
                        response.content.decode(errors="ignore"):
                    failures.append(where + " another unit's dossier is listed")
            elif kind == "admin":
                if role in ("anonymous", "owner", "other_citizen", "clerk", "other_clerk") \
                        and status == 200:
                    failures.append(where + " admin page reached without admin rights")
            elif kind == "callback":
                # Gateways answer every call with 200 and a result code; an unsigned call must
                # be refused by that code, never confirmed.
                body = response.content.decode(errors="ignore")
                if status == 200 and '"RspCode": "00"' in body.replace('":"', '": "'):
                    failures.append(where + " unsigned callback was accepted")
    assert failures == [], "\n" + "\n".join(failures)


def test_writes_by_someone_else_change_nothing(world):
    """The dangerous POSTs, sent by the wrong person, are refused and leave no trace."""
    from accounts.models import StaffAssignment
    from citizens.models import DeliveryAddress

    dossier = world["dossier"]
    state, transitions = dossier.state, dossier.transitions.count()
    attempts = [
        ("other_citizen", f"/ho-so/{dossier.code}/rut/", {"note": "rút giùm"}),
        ("anonymous", f"/ho-so/{dossier.code}/rut/", {"note": "rút giùm"}),
        ("other_clerk", f"/can-bo/ho-so/{dossier.code}/thao-tac/",
         {"action": "forward", "note": "chuyển", "version": dossier.version}),
        ("owner", f"/can-bo/ho-so/{dossier.code}/thao-tac/",
         {"action": "forward", "note": "chuyển", "version": dossier.version}),
        ("other_citizen", f"/cong-dan/dia-chi/{world['address'].pk}/xoa/", {}),
        ("other_citizen", f"/ho-so/{dossier.code}/xoa/", {}),
        ("other_citizen", f"/ho-so/{dossier.code}/luu-tu-dong/", {"ho_ten_tre": "x"}),
        ("anonymous", f"/ho-so/{dossier.code}/tai-len/", {}),
        ("other_clerk", f"/can-bo/nhan-su/{world['users']['clerk'].pk}/vo-hieu-hoa/", {}),
        ("clerk", f"/can-bo/nhan-su/{world['users']['other_clerk'].pk}/vo-hieu-hoa/", {}),
    ]
    for role, url, data in attempts:
        response = client_for(role, world).post(url, data)
        assert response.status_code in (302, 403, 404, 405), (role, url, response.status_code)
    api = client_for("other_clerk", world).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "forward", "note": "x"},
        content_type="application/json")
    assert api.status_code in (403, 404)
    assert "error" in api.json()

    dossier.refresh_from_db()
    assert (dossier.state, dossier.transitions.count()) == (state, transitions)
    assert DeliveryAddress.objects.filter(pk=world["address"].pk).exists()
    assert StaffAssignment.objects.filter(is_active=True).count() == 3
