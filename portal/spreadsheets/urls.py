from django.urls import path

from portal.spreadsheets import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<str:kind>/", views.template, name="template"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/apply/", views.apply, name="apply"),
]
