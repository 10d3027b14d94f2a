"""The story body's allow-list (portal/showcase/richtext.py, nh3)."""

from __future__ import annotations

from portal.showcase.richtext import sanitize


def test_it_keeps_the_allowed_tags():
    html = (
        "<h2>标题</h2><h3>小标题</h3><p><strong>粗</strong><em>斜</em><br></p>"
        "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引</blockquote>"
    )
    assert sanitize(html) == html


def test_it_removes_scripts_with_their_content():
    cleaned = sanitize("<p>好</p><script>alert('x')</script><style>p{}</style>")
    assert cleaned == "<p>好</p>"


def test_it_removes_event_handlers_and_styles():
    cleaned = sanitize('<p onclick="alert(1)" style="color:red" class="x">字</p><strong onmouseover="x()">b</strong>')
    assert cleaned == "<p>字</p><strong>b</strong>"


def test_it_removes_javascript_and_data_links():
    assert sanitize('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer">x</a>'
    assert sanitize('<a href="JaVaScRiPt:alert(1)">x</a>') == '<a rel="noopener noreferrer">x</a>'
    assert "data:" not in sanitize('<a href="data:text/html,<script>1</script>">x</a>')
    assert "//evil" not in sanitize('<a href="//evil.example/">x</a>')


def test_it_keeps_http_https_and_relative_links():
    assert 'href="https://example.com/a"' in sanitize('<a href="https://example.com/a">x</a>')
    assert 'href="http://example.com/"' in sanitize('<a href="http://example.com/">x</a>')
    assert 'href="/showcase/projects/3/"' in sanitize('<a href="/showcase/projects/3/">x</a>')


def test_it_keeps_only_our_own_image_urls():
    assert sanitize('<img src="/showcase/images/12/" alt="图">') == '<img src="/showcase/images/12/" alt="图">'
    assert sanitize('<img src="/showcase/images/12/thumb/">') == '<img src="/showcase/images/12/thumb/">'
    assert sanitize('<p>a<img src="https://evil.example/x.png">b</p>') == "<p>ab</p>"
    assert sanitize('<img src="/projects/attachments/4/">') == ""
    assert sanitize('<img src="data:image/png;base64,AAAA">') == ""
    assert sanitize('<img src="/showcase/images/1/" onerror="alert(1)">') == '<img src="/showcase/images/1/">'


def test_it_drops_unknown_tags_but_keeps_their_text():
    assert sanitize("<div><iframe src='x'></iframe><span>字</span></div>") == "字"
