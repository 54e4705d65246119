"""``{% may dossier 'return_result' as can_return %}``: templates ask the policy
(dossiers.policy.may_perform) whether the person looking may do something now, instead of
comparing the dossier's state to a string."""

from __future__ import annotations

from django import template

from ..constants import CASE_ENDING_ACTIONS, TRANSITIONS
from ..policy import may_perform

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, dossier, action: str) -> bool:
    if action not in TRANSITIONS:
        raise template.TemplateSyntaxError(f"{action!r} is not an action of the table")
    request = context.get("request")
    user = getattr(request, "user", None)
    # Only a person: None would be the portal itself, which acts through no page.
    if user is None or not user.is_authenticated or dossier is None:
        return False
    return may_perform(user, dossier, action)


@register.filter
def ends_case(action: str) -> bool:
    """The action ends the citizen's case (refuse, stop): the page puts it behind a
    confirmation instead of a plain button (constants.CASE_ENDING_ACTIONS)."""
    return action in CASE_ENDING_ACTIONS
