from django.urls import path

from . import views

app_name = "showcase"

urlpatterns = [
    # public pages (portal.views.public)
    path("", views.home, name="home"),
    path("projects/", views.gallery, name="gallery"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("photos/<int:pk>/", views.project_photo, name="project_photo"),
    path("honours/", views.honours, name="honours"),
    path("posts/", views.posts, name="posts"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("stories/", views.stories, name="stories"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("images/<int:pk>/", views.image, name="image"),
    path("images/<int:pk>/thumb/", views.image_thumb, name="image_thumb"),
    # the committee office
    path("manage/stories/", views.story_list, name="story_list"),
    path("manage/stories/new/", views.story_create, name="story_create"),
    path("manage/stories/<int:pk>/", views.story_edit, name="story_edit"),
    path("manage/stories/<int:pk>/publish/", views.story_publish, name="story_publish"),
    path("manage/stories/<int:pk>/images/", views.story_image_upload, name="story_image_upload"),
    path("manage/projects/<int:pk>/publish/", views.project_publish, name="project_publish"),
    path("manage/posts/<int:pk>/publish/", views.post_publish, name="post_publish"),
    path("manage/honours/<int:pk>/publish/", views.honor_publish, name="honor_publish"),
]
