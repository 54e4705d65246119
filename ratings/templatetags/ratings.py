from django import template

register = template.Library()


@register.simple_tag
def dossier_rating(dossier):
    from ratings.models import Rating

    return Rating.objects.filter(dossier_id=dossier.pk).first()
