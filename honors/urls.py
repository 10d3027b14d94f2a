from django.urls import path

from . import views_campaigns, views_grading, views_honors, views_posts

app_name = "honors"

urlpatterns = [
    # Demonstration posts (views_posts.py)
    path("posts/", views_posts.post_list, name="post_list"),
    path("posts/new/", views_posts.post_create, name="post_create"),
    path("posts/export/", views_posts.post_export, name="post_export"),
    path("posts/photos/<int:pk>/", views_posts.photo_download, name="photo_download"),
    path("posts/<int:pk>/", views_posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views_posts.post_edit, name="post_edit"),
    path("posts/<int:pk>/decide/", views_posts.post_decide, name="post_decide"),
    path("posts/<int:pk>/assess/", views_posts.post_assess, name="post_assess"),
    path("posts/<int:pk>/activities/new/", views_posts.activity_create, name="activity_create"),
    # Award campaigns, nominations, judging (views_campaigns.py)
    path("campaigns/", views_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/transition/", views_campaigns.campaign_transition, name="campaign_transition"),
    path("campaigns/<int:pk>/offers/new/", views_campaigns.offer_create, name="offer_create"),
    path("campaigns/<int:pk>/nominate/", views_campaigns.nominate, name="nominate"),
    path("campaigns/<int:pk>/candidates/", views_campaigns.candidate_search, name="candidate_search"),
    path("campaigns/<int:pk>/judge/", views_campaigns.judge, name="judge"),
    path("offers/<int:pk>/edit/", views_campaigns.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/remove/", views_campaigns.offer_remove, name="offer_remove"),
    path("offers/<int:pk>/winners/", views_campaigns.winners, name="winners"),
    path("nominations/<int:pk>/", views_campaigns.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/withdraw/", views_campaigns.nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<int:pk>/judge/", views_campaigns.nomination_judge, name="nomination_judge"),
    path("nominations/evidence/<int:pk>/", views_campaigns.evidence_download, name="evidence_download"),
    # Honours roll and ledger (views_honors.py)
    path("honours/", views_honors.honor_list, name="honor_list"),
    path("honours/new/", views_honors.honor_create, name="honor_create"),
    path("honours/export/", views_honors.honor_export, name="honor_export"),
    path("honours/<int:pk>/", views_honors.honor_detail, name="honor_detail"),
    path("honours/<int:pk>/revoke/", views_honors.honor_revoke, name="honor_revoke"),
    path("honours/<int:pk>/certificate/", views_honors.certificate_download, name="certificate_download"),
    # Branch grading, appraisal, liaison points (views_grading.py)
    path("grading/", views_grading.grade_list, name="grade_list"),
    path("grading/<int:pk>/", views_grading.grade_edit, name="grade_edit"),
    path("grading/<int:pk>/liaisons/new/", views_grading.liaison_create, name="liaison_create"),
    path("grading/liaisons/<int:pk>/end/", views_grading.liaison_end, name="liaison_end"),
]
