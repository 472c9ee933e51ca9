from django.conf import settings


def platform(request):
    # The navigation bar renders itself (core.templatetags.civicgrid.main_nav, cached per roles).
    return {"platform_name": settings.PLATFORM_NAME or settings.DEFAULT_PLATFORM_NAME}
