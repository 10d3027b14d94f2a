from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("i18n/setlang/", portal_views.public(set_language), name="set_language"),
    path("accounts/", include("portal.accounts.urls")),
    path("workbench/", include("portal.workbench.urls")),
    path("audit/", include("portal.audit.urls")),
    path("org/", include("branches.urls")),
    path("projects/", include("projects.urls")),
    path("rounds/", include("projects.round_urls")),
    path("honors/", include("honors.urls")),
    path("showcase/", include("portal.showcase.urls")),
    path("statistics/", include("portal.statistics.urls")),
    path("imports/", include("portal.spreadsheets.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
