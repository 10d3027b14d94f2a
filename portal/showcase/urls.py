from django.urls import path

app_name = "showcase"

urlpatterns: list = []
