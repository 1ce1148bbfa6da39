"""Clicks: the selectors users clicked dead or in rage, and the nodes clicked in one replay."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, BeforeValidator, Field

from sentry_replays_mcp.tools.api.lenient import (
    Lenient,
    NumericId,
    OptDatetime,
    OptInt,
    OptStr,
    StrList,
    object_or_none,
)


class SelectorElement(Lenient):
    alt: OptStr = None
    aria_label: OptStr = None
    classes: StrList = Field([], validation_alias=AliasChoices("class", "classes"))
    component_name: OptStr = None
    id: OptStr = None
    role: OptStr = None
    tag: OptStr = None
    testid: OptStr = None
    title: OptStr = None


class Selector(Lenient):
    """A row of `replay-selectors`: a DOM selector with its dead and rage click counts."""

    dom_element: OptStr = None
    count_dead_clicks: OptInt = Field(
        None,
        validation_alias=AliasChoices("count_dead_clicks", "countDeadClicks", "dead_click_count"),
    )
    count_rage_clicks: OptInt = Field(
        None,
        validation_alias=AliasChoices("count_rage_clicks", "countRageClicks", "rage_click_count"),
    )
    count: OptInt = None  # the seed's total
    project_id: NumericId = None
    element: Annotated[SelectorElement | None, BeforeValidator(object_or_none)] = None


class ClickElement(Lenient):
    tag: OptStr = None
    id: OptStr = None
    classes: StrList = Field([], validation_alias=AliasChoices("class", "classes"))
    text: OptStr = None


class ClickedNode(Lenient):
    """A row of `clicks/`: the rrweb node id of a clicked element and when."""

    node_id: OptInt = None
    timestamp: OptDatetime = None
    element: Annotated[ClickElement | None, BeforeValidator(object_or_none)] = None
