from django.contrib import admin

from .models import Story, StoryImage


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """Read-only: stories are written and published in the portal's editor, which sanitizes and audits."""

    list_display = ["title", "organization", "is_published", "published_at", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StoryImage)
class StoryImageAdmin(admin.ModelAdmin):
    list_display = ["original_name", "story", "width", "height", "uploaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
