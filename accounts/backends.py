"""Sign-in with a CCCD, a mobile number (any Vietnamese format) or a staff username."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User
from .selectors import load_guard_facts, user_by_identifier


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_by_identifier(username)
        if user is None:
            # Same hashing cost as a real check, so timing does not reveal unknown accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a session, with the facts every request of theirs checks
        (selectors.load_guard_facts): two queries instead of up to five."""
        user = super().get_user(user_id)
        return load_guard_facts(user) if user is not None else None
