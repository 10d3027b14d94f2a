from django.urls import path

from . import views, views_export, views_review

app_name = "projects"

urlpatterns = [
    # Branch secretary side (projects/views.py)
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("export/", views_export.project_export, name="export"),
    path("export/results/", views_export.result_export, name="result_export"),
    path("team-search/", views.member_search, name="member_search"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/print/", views.project_print, name="print"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("<int:pk>/results/new/", views.result_create, name="result_create"),
    path("<int:pk>/completion/", views.completion_request, name="completion_request"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/attachments/new/", views.attachment_upload, name="attachment_upload"),
    # Reviewer and committee side (projects/views_review.py)
    path("review/", views_review.review_queue, name="review_queue"),
    path("publicity/", views_review.publicity, name="publicity"),
    path("objections/<int:pk>/resolve/", views_review.objection_resolve, name="objection_resolve"),
    path("extensions/<int:pk>/decide/", views_review.extension_decide, name="extension_decide"),
    path("<int:pk>/decide/", views_review.application_decide, name="decide"),
    path("<int:pk>/objections/new/", views_review.objection_create, name="objection_create"),
    path("<int:pk>/completion/decide/", views_review.completion_decide, name="completion_decide"),
    path("<int:pk>/evaluate/", views_review.evaluate, name="evaluate"),
    path("<int:pk>/terminate/", views_review.terminate, name="terminate"),
]
