from django.conf import settings

from civicgrid.core.navigation import bar_for


def platform(request):
    return {
        "platform_name": settings.PLATFORM_NAME or settings.DEFAULT_PLATFORM_NAME,
        "nav_bar": bar_for(request.user) if hasattr(request, "user") else [],
    }
