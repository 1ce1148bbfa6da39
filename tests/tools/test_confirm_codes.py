"""Confirmation codes on their own: one format, bound to one replay, ten minutes, spent once
(also under concurrent claims), and a bounded record of spent codes."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from sentry_replays_mcp.tools.kit import confirm
from sentry_replays_mcp.tools.kit.confirm import CODE_SHAPE, ConfirmationCodes
from sentry_replays_mcp.tools.kit.errors import BadInput

BINDING = "acme||cbbda8389eee4da3b0c1e7feeaf5b7a7"


def test_codes_expire_after_ten_minutes():
    now = [1_000_000.0]
    codes = ConfirmationCodes(clock=lambda: now[0])
    code = codes.issue(BINDING)
    assert CODE_SHAPE.fullmatch(code), code
    codes.check(code, BINDING)
    now[0] += 599
    codes.check(code, BINDING)
    now[0] += 2
    with pytest.raises(BadInput, match="expired"):
        codes.check(code, BINDING)
    later = f"{int(now[0] + 600):08x}" + code[8:]  # a later expiry under the old signature
    with pytest.raises(BadInput, match="not valid"):
        codes.check(later, BINDING)


def test_every_preview_gets_a_new_code():
    codes = ConfirmationCodes(clock=lambda: 1_000_000.0)
    assert len({codes.issue(BINDING) for _ in range(50)}) == 50


def test_a_code_is_bound_to_its_replay_and_server_run():
    codes, other_run = ConfirmationCodes(), ConfirmationCodes()
    code = codes.issue(BINDING)
    with pytest.raises(BadInput, match="not valid for this organization"):
        codes.check(code, "acme||d3e721e9990e470b8f883264d59898f2")
    with pytest.raises(BadInput, match="restarted"):
        other_run.check(code, BINDING)


@pytest.mark.anyio
async def test_concurrent_claims_spend_a_code_once():
    codes = ConfirmationCodes()
    code = codes.issue(BINDING)
    won: list[bool] = []

    async def claim() -> None:
        await anyio.lowlevel.checkpoint()  # all of them start before any claims
        try:
            await codes.claim(code, BINDING)
            won.append(True)
        except BadInput as error:
            assert "already used" in error.message
            won.append(False)

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(claim)
    assert won.count(True) == 1 and len(won) == 20
    with pytest.raises(BadInput, match="already used"):
        codes.check(code, BINDING)


@pytest.mark.anyio
async def test_spent_codes_are_bounded_and_forgotten_when_they_expire(monkeypatch):
    monkeypatch.setattr(confirm, "MAX_SPENT", 5)
    now = [1_000_000.0]
    codes = ConfirmationCodes(clock=lambda: now[0])
    for _ in range(5):
        await codes.claim(codes.issue(BINDING), BINDING)
    refused = codes.issue(BINDING)
    with pytest.raises(BadInput, match="Too many deletions"):
        await codes.claim(refused, BINDING)
    assert codes.spent_count == 5
    now[0] += 601  # the spent codes expired: their record goes
    fresh = codes.issue(BINDING)
    await codes.claim(fresh, BINDING)
    assert codes.spent_count == 1
