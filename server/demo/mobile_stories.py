"""The stories of the demo's two mobile replays, as timed moments (seconds from the start).

Android (the Acme Shop app on a Pixel 8): product list, a swipe through a product's photos,
the phone turned to landscape and back, add to cart, cart, checkout; "Place order" fails twice
with 503 from `POST /v2/orders`; battery low; the app goes to the background for 30 s, comes
back on mobile data, the third "Place order" succeeds and the confirmation screen opens.

iOS (the same shop on an iPhone 15): product list, detail (turned to landscape and back), add
to cart, cart, checkout; the Wi-Fi drops and "Place order" gets no response at all (the request
times out after 8 s); the app goes to the background for 22 s, Wi-Fi is back, the second
"Place order" succeeds and the confirmation screen opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API = "https://api.acme.example"


@dataclass(frozen=True)
class MobileMoment:
    t: float
    kind: str  # screen tap swipe orientation battery connectivity foreground background http
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MobileStory:
    platform: str  # the replay event's platform
    project: tuple[str, str, str, str]  # id, slug, project platform, name
    sdk: tuple[str, str]
    os: tuple[str, str]
    device: tuple[str, str, str, str]  # name, brand, model, family
    release: str
    locale: str
    user: int  # index into the data set's users
    ago: int  # seconds between the replay's start and the data set's `now`
    duration: float
    width: int
    height: int
    background: list[tuple[float, float]]  # (went to background, came back)
    moments: list[MobileMoment]
    options: dict[str, Any]


def _m(t: float, kind: str, **info: Any) -> MobileMoment:
    return MobileMoment(t, kind, info)


def _http(t: float, method: str, path: str, status: int | None, took: float, **sizes: int) -> Any:
    return _m(t, "http", method=method, url=API + path, status=status, took=took, **sizes)


def _activity(t: float, name: str) -> MobileMoment:
    """An Activity resumed: the SDK's breadcrumb names its class."""
    return _m(t, "screen", to=name, activity=f"com.acme.shop.{name}")


def _tap(t: float, view_id: str, view_class: str) -> MobileMoment:
    return _m(t, "tap", view_id=view_id, view_class=view_class)


BUTTON = "com.google.android.material.button.MaterialButton"
CARD = "com.google.android.material.card.MaterialCardView"

ANDROID = MobileStory(
    platform="android",
    project=("4505321104334848", "shop-android", "android", "Shop Android"),
    sdk=("sentry.java.android", "8.13.2"),
    os=("Android", "14"),
    device=("Pixel 8", "google", "Pixel 8", "Pixel"),
    release="com.acme.shop@3.4.0+340",
    locale="en-US",
    user=4,
    ago=3 * 3600,
    duration=112.0,
    width=528,
    height=1136,
    background=[(66.2, 96.0)],
    moments=[
        _activity(0.0, "MainActivity"),
        _m(0.3, "connectivity", state="wifi"),
        _http(0.9, "GET", "/v2/products?page=1", 200, 0.42, response=18342),
        _tap(6.5, "product_card", CARD),
        _activity(6.9, "ProductDetailActivity"),
        _http(7.1, "GET", "/v2/products/1042", 200, 0.31, response=4211),
        _m(11.0, "swipe", view_id="photo_pager", view_class="androidx.viewpager2.widget.ViewPager2",
           direction="left"),
        _m(15.2, "orientation", position="landscape"),
        _m(21.4, "orientation", position="portrait"),
        _tap(27.5, "add_to_cart_button", BUTTON),
        _http(27.6, "POST", "/v2/cart", 201, 0.28, request=96, response=612),
        _tap(33.0, "cart_icon", "androidx.appcompat.widget.AppCompatImageButton"),
        _activity(33.4, "CartActivity"),
        _http(33.6, "GET", "/v2/cart", 200, 0.22, response=1830),
        _tap(41.0, "checkout_button", BUTTON),
        _activity(41.4, "CheckoutActivity"),
        _tap(52.0, "place_order_button", BUTTON),
        _http(52.1, "POST", "/v2/orders", 503, 1.42, request=412, response=87),
        _tap(58.3, "place_order_button", BUTTON),
        _http(58.4, "POST", "/v2/orders", 503, 1.38, request=412, response=87),
        _m(63.0, "battery", level=14.0, charging=False),
        _m(66.1, "background"),
        _m(96.0, "foreground"),
        _activity(96.2, "CheckoutActivity"),
        _m(96.6, "connectivity", state="cellular"),
        _tap(101.0, "place_order_button", BUTTON),
        _http(101.1, "POST", "/v2/orders", 201, 0.94, request=412, response=1264),
        _activity(102.3, "OrderConfirmationActivity"),
    ],
    # io/sentry/rrweb/RRWebOptionsEvent.java: the payload the constructor builds from the options
    options={
        "nativeSdkName": "sentry.java.android",
        "nativeSdkVersion": "8.13.2",
        "errorSampleRate": 1.0,
        "sessionSampleRate": 0.2,
        "maskAllImages": True,
        "maskAllText": True,
        "quality": "medium",
        "maskedViewClasses": ["android.widget.TextView", "android.widget.ImageView"],
        "unmaskedViewClasses": [],
        "screenshotStrategy": "pixelCopy",
        "networkDetailHasUrls": False,
    },
)  # fmt: skip

IOS = MobileStory(
    platform="cocoa",
    project=("4505321104334849", "shop-ios", "apple-ios", "Shop iOS"),
    sdk=("sentry.cocoa", "8.40.1"),
    os=("iOS", "18.1"),
    device=("iPhone", "Apple", "iPhone15,4", "iOS"),
    release="com.acme.shop@3.4.0+341",
    locale="en-GB",
    user=9,
    ago=7 * 3600,
    duration=92.0,
    width=390,
    height=844,
    background=[(58.0, 80.0)],
    moments=[
        _m(0.0, "screen", to="ProductListViewController"),
        _m(0.2, "connectivity", state="wifi"),
        _http(0.8, "GET", "/v2/products?page=1", 200, 0.37, response=18342),
        _m(5.0, "tap", action="productTapped:"),
        _m(5.4, "screen", to="ProductDetailViewController"),
        _http(5.6, "GET", "/v2/products/1042", 200, 0.29, response=4211),
        _m(12.0, "orientation", position="landscape"),
        _m(18.0, "orientation", position="portrait"),
        _m(20.0, "tap", action="addToCartTapped:"),
        _http(20.2, "POST", "/v2/cart", 201, 0.33, request=96, response=612),
        _m(26.0, "tap", action="showCart:"),
        _m(26.3, "screen", to="CartViewController"),
        _http(26.5, "GET", "/v2/cart", 200, 0.21, response=1830),
        _m(34.0, "tap", action="checkoutTapped:"),
        _m(34.3, "screen", to="CheckoutViewController"),
        _m(44.0, "connectivity", state="none"),
        _m(47.0, "tap", action="placeOrderTapped:"),
        _http(47.1, "POST", "/v2/orders", None, 8.0, request=412),
        _m(52.0, "battery", level=18.0, charging=False),
        _m(57.9, "background"),
        _m(80.0, "foreground"),
        _m(80.5, "connectivity", state="wifi"),
        _m(83.0, "tap", action="placeOrderTapped:"),
        _http(83.1, "POST", "/v2/orders", 201, 0.88, request=412, response=1264),
        _m(84.5, "screen", to="OrderConfirmationViewController"),
    ],
    # Sources/Swift/Integrations/SessionReplay/RRWeb/SentryRRWebOptionsEvent.swift
    options={
        "sessionSampleRate": 0.2,
        "errorSampleRate": 1.0,
        "maskAllText": True,
        "maskAllImages": True,
        "quality": "medium",
        "nativeSdkName": "sentry.cocoa",
        "nativeSdkVersion": "8.40.1",
    },
)
