"""Sentry's Link header becomes an opaque next cursor."""

from sentry_replays_mcp.tools.api.pagination import cursors, parse_link_header

BASE = "https://sentry.io/api/0/organizations/acme/replays/?per_page=50&query=issue.id:[1,2]"


def link(prev_results: str, next_results: str, offset: int = 50) -> str:
    return (
        f'<{BASE}&cursor=0:0:1>; rel="previous"; results="{prev_results}"; cursor="0:0:1", '
        f'<{BASE}&cursor=0:{offset}:0>; rel="next"; results="{next_results}"; cursor="0:{offset}:0"'
    )


def test_next_cursor_when_next_has_results():
    assert cursors(link("false", "true")) == ("0:50:0", None)


def test_no_next_cursor_on_the_last_page():
    assert cursors(link("true", "false")) == (None, "0:0:1")


def test_commas_inside_the_url_do_not_split_links():
    links = parse_link_header(link("false", "true"))
    assert set(links) == {"previous", "next"}
    assert links["next"]["url"].endswith("query=issue.id:[1,2]&cursor=0:50:0")


def test_missing_or_empty_header_means_no_more_pages():
    assert cursors(None) == (None, None)
    assert cursors("") == (None, None)
    assert cursors("garbage") == (None, None)


def test_cursor_taken_from_the_url_when_the_attribute_is_missing():
    header = '<https://x.example/api/0/a/?cursor=0%3A20%3A0>; rel="next"; results="true"'
    assert cursors(header) == ("0:20:0", None)
