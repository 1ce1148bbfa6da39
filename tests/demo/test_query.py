"""The demo's subset of Sentry's search syntax, on a hand-made search document."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentry_replays_mcp.server.demo import query as q
from sentry_replays_mcp.server.demo.pages import SITE

PAY = SITE.pages["checkout"].elements["pay_now"]
LOAD_MORE = SITE.pages["products"].elements["load_more"]
DOC: dict[str, Any] = {
    "id": ["cbbda8389eee4da3b0c1e7feeaf5b7a7"],
    "user.email": ["maria.lopez@example.com"],
    "user.username": [None],
    "browser.name": ["Chrome"],
    "environment": ["production"],
    "urls": ["https://shop.acme.example/cart", "https://shop.acme.example/checkout"],
    "duration": 262,
    "count_errors": 2,
    "count_rage_clicks": 1,
    "viewed_by_id": ["3"],
    "clicks": [PAY, LOAD_MORE],
    "dead": [PAY],
    "rage": [PAY],
    "tags": {"plan": ["pro"]},
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("user.email:maria.lopez@example.com", True),
        ("user.email:*@example.com browser:Chrome", True),
        ("!environment:production", False),
        ("environment:[staging,production]", True),
        ("!environment:[staging,production]", False),
        ("duration:>4m", True),
        ("duration:>=263", False),
        ("count_errors:2 count_rage_clicks:>0", True),
        ("url:*checkout*", True),
        ("urls:https://shop.acme.example/products", False),
        ("environment:staging OR count_errors:>1", True),
        ("environment:staging AND count_errors:>1", False),
        ("(environment:staging OR browser:Firefox) duration:>1", False),
        ("id:CBBDA838-9EEE-4DA3-B0C1-E7FEEAF5B7A7", True),
        ("id:not-a-uuid", False),
        ("viewed_by_id:3", True),
        ("click.id:pay-now", True),
        ("click.class:load-more click.tag:button", True),
        ('click.textContent:"Pay now"', True),
        ("rage.selector:button#pay-now.btn", True),
        ("dead.selector:button.load-more", False),
        ('click.selector:button[data-testid="pay-now"]', True),
        ("plan:pro", True),
        ("tags[plan]:free", False),
        ("has:user.email", True),
        ("has:user.username", False),
        ("free text", False),
        ("", True),
    ],
)
def test_matches(query: str, expected: bool):
    assert q.matches(q.parse(query), DOC) is expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("count_errors:>lots", "Could not parse value for `count_errors`"),
        ("browser:>Chrome", "Invalid operator specified for `browser`"),
        ('user.email:"open', "unterminated quoted value"),
        ("(browser:Chrome", "missing closing parenthesis"),
        ("browser:Chrome)", "unbalanced parentheses"),
        ("urls:[a,", "unterminated list"),
        ("OR browser:Chrome", "expected a search term"),
    ],
)
def test_parse_errors(query: str, message: str):
    with pytest.raises(q.QueryError, match=message.replace("(", r"\(")):
        q.parse(query)


def test_terms_flatten_and_keep_raw_keys():
    found = q.terms(q.parse('issue.id:[1,2] (transaction:["/a b"] OR replay_id:[x])'))
    assert [(t.raw_key, t.values, t.is_list) for t in found] == [
        ("issue.id", ["1", "2"], True),
        ("transaction", ["/a b"], True),
        ("replay_id", ["x"], True),
    ]


@given(st.text(max_size=40))
def test_any_input_parses_or_fails_cleanly(text: str):
    try:
        node = q.parse(text)
    except q.QueryError:
        return
    q.matches(node, DOC)
