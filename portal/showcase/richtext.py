"""The story body's HTML allow-list (nh3): what the editor's toolbar produces, and nothing else."""

from __future__ import annotations

import re

import nh3

TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "img", "blockquote", "br"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
# Only images served by this app: /showcase/images/<id>/ and /showcase/images/<id>/thumb/.
OWN_IMAGE = re.compile(r"^/showcase/images/\d+/(?:thumb/)?$")
LINK = re.compile(r"^(?:https?://|/(?!/)|#)", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    value = value.strip()
    if tag == "img" and attribute == "src":
        return value if OWN_IMAGE.match(value) else None
    if tag == "a" and attribute == "href":
        return value if LINK.match(value) else None
    return value


def sanitize(html: str) -> str:
    """Keep the allow-listed tags; drop scripts and styles with their content, event handlers,
    javascript:/data: links and images from anywhere but our own image URLs."""
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # An <img> whose src was refused is an empty tag: drop it.
    return re.sub(r"<img(?: alt=\"[^\"]*\")?>", "", cleaned).strip()
