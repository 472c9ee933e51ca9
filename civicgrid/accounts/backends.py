from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def find_login_user(identifier):
    """The user an identifier names: a phone number or a username (case-sensitive)."""
    if not identifier:
        return None
    User = get_user_model()
    return User.objects.filter(Q(phone=identifier) | Q(username=identifier)).order_by("pk").first()


class PhoneOrUsernameBackend(ModelBackend):
    """Sign in with a phone number or a username, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_login_user(username)
        if user is None:
            # Run the hasher anyway so that a missing account takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials):
    """The key axes counts failures under: the account's username when the identifier names an
    account, so that its phone number and its username share one lockout."""
    identifier = (credentials or {}).get("username") or (request.POST.get("username") if request else None)
    user = find_login_user(identifier)
    return user.username if user else identifier
