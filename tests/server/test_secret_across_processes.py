"""Confirmation codes under SENTRY_MCP_SECRET: issued by one process, accepted by another and
after a restart; refused under another secret. Real processes: one demo Sentry, several
stateless servers pointed at it."""

from __future__ import annotations

import anyio
import pytest

from tests.conftest import text_of
from tests.server.fleet import OTHER_SECRET, SECRET, a_live_replay, call, demo_sentry, server

pytestmark = pytest.mark.anyio


async def test_a_code_from_one_process_deletes_on_another_and_once_only():
    with (
        anyio.fail_after(120),
        demo_sentry() as sentry,
        server(sentry, "--log-level", "DEBUG") as first,
        server(sentry, "--log-level", "DEBUG") as second,
    ):
        victim = await a_live_replay(first)
        preview = await call(first, "delete_replay", {"replay_id": victim})
        assert not preview.is_error, text_of(preview)
        code = preview.structured_content["confirmation_code"]

        deleted = await call(second, "delete_replay", {"replay_id": victim, "confirm": code})
        assert not deleted.is_error, text_of(deleted)
        assert deleted.structured_content["deleted"] is True, text_of(deleted)
        after = await call(first, "get_replay", {"replay_id": victim})
        assert after.structured_content["archived"] is True, text_of(after)

        # The first process never saw the code spent: repeating it there deletes nothing
        # more and says the replay is deleted already.
        again = await call(first, "delete_replay", {"replay_id": victim, "confirm": code})
        assert not again.is_error, text_of(again)
        assert again.structured_content["deleted"] is False
        assert "already deleted" in text_of(again), text_of(again)
        # On the process that spent it, it is refused as used.
        spent = await call(second, "delete_replay", {"replay_id": victim, "confirm": code})
        assert spent.is_error and "already used" in text_of(spent), text_of(spent)
        for running in (first, second):  # the secret and the codes are never logged
            logged = running.stderr()
            assert "HTTP Request" in logged  # DEBUG logging was on
            assert SECRET not in logged and code not in logged


async def test_a_code_survives_a_restart_and_not_a_change_of_secret():
    with anyio.fail_after(120), demo_sentry() as sentry:
        with server(sentry) as before:
            victim = await a_live_replay(before)
            preview = await call(before, "delete_replay", {"replay_id": victim})
            code = preview.structured_content["confirmation_code"]
        arguments = {"replay_id": victim, "confirm": code}

        with server(sentry, secret=OTHER_SECRET) as elsewhere:
            refused = await call(elsewhere, "delete_replay", arguments)
        assert refused.is_error, text_of(refused)
        assert "another secret" in text_of(refused) and "Nothing was deleted" in text_of(refused)

        with server(sentry) as restarted:
            still_there = await call(restarted, "get_replay", {"replay_id": victim})
            assert still_there.structured_content["archived"] is False
            deleted = await call(restarted, "delete_replay", arguments)
            assert not deleted.is_error, text_of(deleted)
            assert deleted.structured_content["deleted"] is True, text_of(deleted)


async def test_without_a_secret_a_code_from_another_process_is_refused_with_the_fix():
    with (
        anyio.fail_after(120),
        demo_sentry() as sentry,
        server(sentry, secret=None) as first,
        server(sentry, secret=None) as second,
    ):
        victim = await a_live_replay(first)
        preview = await call(first, "delete_replay", {"replay_id": victim})
        code = preview.structured_content["confirmation_code"]
        refused = await call(second, "delete_replay", {"replay_id": victim, "confirm": code})
        assert refused.is_error, text_of(refused)
        said = text_of(refused)
        assert "another server process" in said and "restarted" in said
        assert "SENTRY_MCP_SECRET" in said and "Nothing was deleted" in said
        intact = await call(first, "get_replay", {"replay_id": victim})
        assert intact.structured_content["archived"] is False
