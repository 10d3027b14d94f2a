from django.urls import path

from . import views, views_export

app_name = "branches"

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("new/", views.organization_create, name="organization_create"),
    path("<int:pk>/", views.organization_detail, name="organization_detail"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("<int:pk>/deactivate/", views.organization_deactivate, name="organization_deactivate"),
    path("<int:pk>/history/", views.organization_history, name="organization_history"),
    path("export/", views_export.organization_export, name="organization_export"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/export/", views_export.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/phone/", views.member_phone, name="member_phone"),
    path("members/<int:pk>/history/", views.member_history, name="member_history"),
]
