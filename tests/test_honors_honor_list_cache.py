"""The honours roll's cached parts (table, total, years, organization select) are never stale: a new or a
revoked honour shows at the next request (portal.statistics.cache fingerprint in the keys)."""

from __future__ import annotations

from django.urls import reverse

from honors import services

from .honors_support import make_external_honor

URL = reverse("honors:honor_list")


def test_a_new_and_a_revoked_honour_show_at_the_next_request(company, users, clients):
    client = clients["staff"]
    make_external_honor(company, users, title="第一项荣誉")
    first = client.get(URL)
    assert "第一项荣誉" in first.content.decode() and first.context["total"] == 1
    assert client.get(URL).context["total"] == 1  # cached
    second = make_external_honor(company, users, title="第二项荣誉")
    response = client.get(URL)
    assert "第二项荣誉" in response.content.decode() and response.context["total"] == 2
    services.honor_revoke(honor=second, by=users["committee_admin"], reason="材料不实")
    response = client.get(URL)
    assert "第二项荣誉" not in response.content.decode() and response.context["total"] == 1
