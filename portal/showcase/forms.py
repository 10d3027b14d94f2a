from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from honors.models import DemonstrationPost
from portal.permissions import scope_q, scoped_organizations
from projects.models import Project

from .models import Story, StoryImage
from .selectors import PUBLIC_POST_STATUSES, PUBLIC_PROJECT_STATUSES


class StoryForm(forms.ModelForm):
    project_number = forms.CharField(
        label=_("Related project (number)"),
        max_length=20,
        required=False,
        help_text=_("e.g. 2026-CX-0042; an approved project of the organization's scope."),
    )
    cover = forms.ModelChoiceField(label=_("Cover image"), queryset=StoryImage.objects.none(), required=False)

    class Meta:
        model = Story
        fields = ["title", "summary", "body", "organization", "post"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16, "class": "font-monospace", "data-story-editor": ""}),
        }
        help_texts = {
            "body": _(
                "Paragraphs, headings, lists, bold, italic, links and this story's images; "
                "anything else is removed when saved."
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = scoped_organizations(user).filter(is_active=True).order_by("path")
        self.fields["post"].queryset = DemonstrationPost.objects.filter(
            scope_q(user), status__in=PUBLIC_POST_STATUSES
        ).order_by("organization__path", "name")
        self.fields["post"].required = False
        if self.instance.pk:
            self.fields["cover"].queryset = self.instance.images.all()
            self.fields["cover"].initial = self.instance.cover_id
            if self.instance.project_id:
                self.fields["project_number"].initial = self.instance.project.number
        else:
            del self.fields["cover"]

    def clean_project_number(self):
        number = self.cleaned_data["project_number"].strip()
        if not number:
            return None
        project = (
            Project.objects.filter(scope_q(self.user), status__in=PUBLIC_PROJECT_STATUSES, number=number)
            .only("pk", "number")
            .first()
        )
        if project is None:
            raise forms.ValidationError(_("No approved project with this number in your scope."))
        return project

    def story_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["project"] = self.cleaned_data.get("project_number")
        if "cover" in self.fields:
            data["cover"] = self.cleaned_data.get("cover")
        return data


class StoryImageForm(forms.Form):
    file = forms.FileField(label=_("Image"), help_text=_("JPEG, PNG, GIF or WebP; a thumbnail is made on upload."))
    as_cover = forms.BooleanField(label=_("Use as the cover image"), required=False)


class GalleryFilter(forms.Form):
    category = forms.IntegerField(required=False, min_value=1)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1)
