from django import template

from dossiers.status import citizen_status as _citizen_status

register = template.Library()


@register.filter
def citizen_status(dossier):
    """``{{ dossier|citizen_status }}``: the label the citizen sees (dossiers/status.py)."""
    return _citizen_status(dossier).label


@register.filter
def awaiting_payment(dossier):
    """``{{ dossier|awaiting_payment }}``: filed, with the online fee still to pay."""
    return _citizen_status(dossier).awaiting_payment
