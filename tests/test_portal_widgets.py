"""FastSelect renders what Django's Select renders: escaped labels, the selected value, the field's attributes."""

from __future__ import annotations

from django import forms

from portal.widgets import FastSelect


class _Form(forms.Form):
    choice = forms.ChoiceField(
        choices=[("", "—"), ("1", "甲党支部"), ("2", "<b>乙</b> & 丙")],
        widget=FastSelect(attrs={"class": "form-select"}),
    )


def test_it_marks_the_selected_option_and_escapes_labels():
    html = str(_Form(data={"choice": "2"})["choice"])
    assert '<option value="2" selected>&lt;b&gt;乙&lt;/b&gt; &amp; 丙</option>' in html
    assert '<option value="1">甲党支部</option>' in html
    assert html.count(" selected") == 1


def test_it_keeps_the_field_attributes():
    html = str(_Form()["choice"])
    assert html.startswith("<select")
    assert 'name="choice"' in html and 'id="id_choice"' in html and 'class="form-select"' in html
    assert " required" in html


def test_it_renders_the_same_options_as_django_select():
    fast = str(_Form(data={"choice": "1"})["choice"])

    class Plain(forms.Form):
        choice = forms.ChoiceField(choices=_Form.base_fields["choice"].choices, widget=forms.Select)

    plain = str(Plain(data={"choice": "1"})["choice"])
    strip = lambda html: " ".join(html.replace("\n", " ").split())  # noqa: E731
    assert strip(fast).count("<option") == strip(plain).count("<option") == 3
    assert ('value="1" selected' in strip(fast)) and ('value="1" selected' in strip(plain))
