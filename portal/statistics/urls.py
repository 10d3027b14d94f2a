from django.urls import path

app_name = "statistics"

urlpatterns: list = []
