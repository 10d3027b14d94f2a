"""Form widgets shared by the apps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django import forms
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CACHE_TIMEOUT = 60 * 60  # an entry is found again only while its key (with the data's fingerprint) holds


class FastSelect(forms.Select):
    """A single select rendered in one pass.

    Django renders every <option> through a template; with a company's 1,700 organizations in a filter
    that took most of a list page's time. Same HTML (escaped with ``format_html``), no option groups.

    ``cache_key``: optional, a callable returning a key that changes whenever the choices may change (the
    caller puts the user's scope and a fingerprint of the data in it). When it is set, the rendered select
    is cached under that key, the language, the name, the attributes and the selected value, so the
    choices are neither queried nor rendered again while the key holds.
    """

    cache_key: Callable[[], str] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        if self.cache_key is None:
            return self._render(final_attrs, selected)
        parts = (self.cache_key(), get_language(), sorted(final_attrs.items()), sorted(selected))
        key = "fastselect:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        html = cache.get(key)
        if html is None:
            html = self._render(final_attrs, selected)
            cache.set(key, str(html), CACHE_TIMEOUT)
        return mark_safe(html)  # noqa: S308 (built by format_html in _render)

    def _render(self, final_attrs: dict, selected: set[str]) -> str:
        options = []
        for option_value, option_label in self.choices:
            text = "" if option_value is None else str(option_value)
            options.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    text,
                    mark_safe(" selected") if text in selected else "",  # noqa: S308  (a constant)
                    option_label,
                )
            )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(options)))  # noqa: S308


def fast_selects(form: forms.BaseForm) -> None:
    """Render the form's plain single selects in one pass too (a filter form's year, status, category …):
    Django's template per option costs a few tenths of a millisecond per select."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            fast = FastSelect(attrs=widget.attrs)
            fast.choices = widget.choices
            fast.is_required = widget.is_required
            field.widget = fast
