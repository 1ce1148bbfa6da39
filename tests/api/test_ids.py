"""Path segments are validated before any request: Sentry's own slug patterns, ids, UUIDs."""

import pytest

from sentry_replays_mcp.tools.api import ids
from sentry_replays_mcp.tools.api.errors import InvalidArgument

HEX = "7e07485f12f9416b8b1426260799b51f"
DASHED = "7E07485F-12F9-416B-8B14-26260799B51F"

HOSTILE = [
    "",
    " ",
    "..",
    ".",
    "/",
    "a/b",
    "%2f",
    "%2e%2e",
    "a b",
    "a\nb",
    "a?b",
    "a#b",
    "a\x00b",
    "https://evil.example/",
    "acme/../admin",
    "é",
    "a" * 51,
]


@pytest.mark.parametrize("value", ["acme", "my-org", "Acme2", "1138", 1138, "a"])
def test_organization_accepts_slugs_and_numeric_ids(value):
    assert ids.organization(value) == str(value)


@pytest.mark.parametrize("value", [*HOSTILE, "-acme", "acme-", "my_org", None, True, -1, 1.5])
def test_organization_refuses_everything_else(value):
    with pytest.raises(InvalidArgument, match="Invalid organization"):
        ids.organization(value)


@pytest.mark.parametrize("value", ["web-frontend", "checkout_v2", "4505321021243392", 42])
def test_project_accepts_slugs_and_numeric_ids(value):
    assert ids.project(value) == str(value)


@pytest.mark.parametrize("value", [*HOSTILE, "Web", None, False])
def test_project_refuses_everything_else(value):
    with pytest.raises(InvalidArgument, match="Invalid project"):
        ids.project(value)


@pytest.mark.parametrize("value", [HEX, HEX.upper(), DASHED, DASHED.lower()])
def test_replay_ids_are_sent_as_lowercase_hex(value):
    assert ids.replay(value) == HEX


@pytest.mark.parametrize(
    "value",
    [
        *HOSTILE,
        HEX[:-1],
        HEX + "0",
        "g" * 32,
        f" {HEX}",
        f"{HEX}\n",
        "{" + DASHED + "}",
        "urn:uuid:" + DASHED,
        DASHED.replace("-", "/"),
        123,
        None,
    ],
)
def test_replay_ids_refuse_everything_else(value):
    with pytest.raises(InvalidArgument, match="Invalid replay id"):
        ids.replay(value)


@pytest.mark.parametrize("value,expected", [(0, 0), (7, 7), ("12", 12), ("0", 0)])
def test_segment_ids_are_non_negative_integers(value, expected):
    assert ids.segment(value) == expected


@pytest.mark.parametrize("value", [-1, "-1", "1.0", 1.0, True, "", " 1", "1/", "٣", 10**10, None])
def test_segment_ids_refuse_everything_else(value):
    with pytest.raises(InvalidArgument, match="Invalid segment id"):
        ids.segment(value)


def test_cursor_is_opaque_but_printable():
    assert ids.cursor("0:100:0") == "0:100:0"
    for bad in ["", "a b", "x\n", "x" * 201]:
        with pytest.raises(InvalidArgument, match="Invalid cursor"):
            ids.cursor(bad)
