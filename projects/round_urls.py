from django.urls import path

from . import round_views as views

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/items/", views.round_items, name="items"),
    path("<int:pk>/transition/", views.round_transition, name="transition"),
    path("<int:pk>/export.xlsx", views.round_export, name="export"),
    path("<int:pk>/branches/<int:org_pk>/", views.round_branch, name="branch"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("checks/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("findings/<int:pk>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("projects/<int:pk>/history/", views.project_history, name="project_history"),
]
