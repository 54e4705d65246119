from django import template

from citizens import masking

register = template.Library()


@register.filter
def mask_cccd(value):
    return masking.mask_cccd(value)


@register.filter
def mask_phone(value):
    return masking.mask_phone(value)


@register.filter
def mask_email(value):
    return masking.mask_email(value)
