from django.urls import path

from portal.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("public/", views.public_statistics, name="public"),
]
