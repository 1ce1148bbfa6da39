"""Page templates of the demo shop: routes, their elements and their rrweb DOM.

Every page has a fixed, serialized DOM (rrweb node format) with stable node ids, so
clicks in recordings always point at nodes that exist in a full snapshot or in the
mutation that put the page on screen. The shell (nav bar, ``main#content``) holds
ids below 100; page ``n`` (0-based) numbers its content from ``100 * (n + 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ORIGIN = "https://shop.acme.example"

# A node spec: (tag, attributes, text-or-children, key-or-None, goes-to-page-or-None)
Spec = tuple[str, dict[str, str], "str | list[Spec] | None", str | None, str | None]


@dataclass(frozen=True)
class Element:
    """One clickable or typeable element of a page."""

    key: str
    node_id: int
    tag: str
    attributes: dict[str, str]
    text: str
    path: str  # CSS selector path, as the SDK writes it in ui.click messages
    goes_to: str | None = None

    @property
    def elem_id(self) -> str:
        return self.attributes.get("id", "")

    @property
    def classes(self) -> list[str]:
        return self.attributes.get("class", "").split()

    @property
    def role(self) -> str:
        return self.attributes.get("role", "")

    @property
    def aria_label(self) -> str:
        return self.attributes.get("aria-label", "")

    @property
    def testid(self) -> str:
        return self.attributes.get("data-testid", "")

    @property
    def alt(self) -> str:
        return self.attributes.get("alt", "")

    @property
    def title(self) -> str:
        return self.attributes.get("title", "")

    @property
    def component_name(self) -> str:
        return self.attributes.get("data-sentry-component", "")

    @property
    def is_input(self) -> bool:
        return self.tag in ("input", "textarea", "select")

    @property
    def selector(self) -> str:
        """The `dom_element` string Sentry builds for selector rows."""
        out = self.tag
        if self.elem_id:
            out += "#" + self.elem_id
        for cls in self.classes:
            out += "." + cls
        for attr, name in (
            ("role", self.role),
            ("aria", self.aria_label),
            ("data-testid", self.testid),
            ("alt", self.alt),
            ("title", self.title),
            ("data-sentry-component", self.component_name),
        ):
            if name:
                out += f'[{attr}="{name}"]'
        return out

    def node_payload(self) -> dict[str, Any]:
        """The `node` object of ui.click / slowClickDetected breadcrumbs."""
        return {
            "id": self.node_id,
            "tagName": self.tag,
            "textContent": self.text,
            "attributes": dict(self.attributes),
        }


@dataclass
class Page:
    name: str
    route: str  # transaction name, e.g. "/products/:id"
    title: str
    root_id: int
    dom: dict[str, Any]  # serialized content subtree (rrweb node)
    elements: dict[str, Element] = field(default_factory=dict)

    def path_for(self, number: int) -> str:
        return self.route.replace(":id", str(number))


def _short(tag: str, attrs: dict[str, str]) -> str:
    out = tag
    if attrs.get("id"):
        out += "#" + attrs["id"]
    for cls in attrs.get("class", "").split():
        out += "." + cls
    return out


class _Builder:
    def __init__(self, start: int) -> None:
        self.next_id = start
        self.elements: dict[str, Element] = {}

    def take(self) -> int:
        nid = self.next_id
        self.next_id += 1
        return nid

    def build(self, spec: Spec, ancestors: list[str]) -> dict[str, Any]:
        tag, attrs, content, key, goes_to = spec
        nid = self.take()
        here = [*ancestors, _short(tag, attrs)]
        children: list[dict[str, Any]] = []
        text = ""
        if isinstance(content, str):
            text = content
            children.append({"type": 3, "textContent": content, "id": self.take()})
        elif content:
            for child in content:
                node = self.build(child, here)
                children.append(node)
                text += _text_of(node)
        if key:
            self.elements[key] = Element(
                key=key,
                node_id=nid,
                tag=tag,
                attributes=dict(attrs),
                text=text.strip(),
                path=" > ".join(here[-5:]),
                goes_to=goes_to,
            )
        return {
            "type": 2,
            "tagName": tag,
            "attributes": dict(attrs),
            "childNodes": children,
            "id": nid,
        }


def _text_of(node: dict[str, Any]) -> str:
    if node["type"] == 3:
        return str(node["textContent"])
    return " ".join(_text_of(c) for c in node.get("childNodes", []))


def _el(
    tag: str,
    attrs: dict[str, str] | None = None,
    content: str | list[Spec] | None = None,
    key: str | None = None,
    goes_to: str | None = None,
) -> Spec:
    return (tag, attrs or {}, content, key, goes_to)


def _btn(key: str, text: str, goes_to: str | None = None, **attrs: str) -> Spec:
    return _el("button", _attrs(attrs), text, key, goes_to)


def _link(key: str, text: str, goes_to: str | None = None, **attrs: str) -> Spec:
    return _el("a", _attrs(attrs), text, key, goes_to)


def _input(key: str, **attrs: str) -> Spec:
    return _el("input", _attrs(attrs), None, key)


def _attrs(attrs: dict[str, str]) -> dict[str, str]:
    renames = {"cls": "class", "testid": "data-testid", "component": "data-sentry-component"}
    out: dict[str, str] = {}
    for k, v in attrs.items():
        name = renames.get(k, k.replace("_", "-"))
        out[name] = v
    return out


_SHOP_PAGES: list[tuple[str, str, str, list[Spec]]] = [
    ("home", "/", "Acme Shop", [
        _el("h1", {}, "Summer sale"),
        _el("p", {"class": "lead"}, "Up to 40% off running gear"),
        _link("shop_now", "Shop now", "products", href="/products", cls="btn btn-primary"),
        _el("img", {"class": "hero-image", "alt": "Runners on a trail", "src": "/img/hero.jpg"}),
        _btn("close_banner", "×", None, cls="banner-close", aria_label="Close"),
    ]),
    ("products", "/products", "Products", [
        _el("h1", {}, "Products"),
        _input("filter_search", id="filter-search", type="search", placeholder="Filter"),
        _btn("filters", "Filters", None, cls="btn filter-toggle"),
        _link("product_1", "Trail Runner 2", "product_detail", href="/products/1042",
              cls="product-card"),
        _link("product_2", "City Sneaker", "product_detail", href="/products/1043",
              cls="product-card"),
        _link("product_3", "Rain Jacket", "product_detail", href="/products/1077",
              cls="product-card"),
        _btn("load_more", "Load more", None, cls="btn load-more", testid="load-more"),
    ]),
    ("product_detail", "/products/:id", "Product", [
        _el("h1", {"class": "product-name"}, "Trail Runner 2"),
        _el("img", {"class": "product-image", "alt": "Trail Runner 2", "src": "/img/p/1042.jpg"}),
        _input("quantity", id="quantity", type="number", value="1"),
        _btn("add_to_cart", "Add to cart", None, id="add-to-cart", cls="btn btn-primary",
             testid="add-to-cart", component="AddToCartButton"),
        _link("size_guide", "Size guide", None, href="#size-guide", cls="size-guide"),
        _btn("wishlist", "♡", None, cls="wishlist", aria_label="Add to wishlist"),
        _link("go_cart", "View cart", "cart", href="/cart", cls="view-cart"),
    ]),
    ("cart", "/cart", "Your cart", [
        _el("h1", {}, "Your cart"),
        _el("ul", {"class": "cart-items"}, [_el("li", {"class": "cart-item"}, "Trail Runner 2")]),
        _btn("remove_item", "Remove", None, cls="remove-item"),
        _input("coupon", id="coupon-code", type="text", placeholder="Coupon code"),
        _btn("apply_coupon", "Apply", None, id="apply-coupon", cls="btn"),
        _btn("checkout", "Checkout", "checkout", id="checkout-button", cls="btn btn-primary",
             component="CheckoutButton"),
        _link("continue", "Continue shopping", "products", href="/products", cls="continue"),
    ]),
    ("checkout", "/checkout", "Checkout", [
        _el("h1", {}, "Checkout"),
        _el("form", {"id": "checkout-form"}, [
            _input("email", id="email", type="email", name="email"),
            _input("full_name", id="full-name", type="text", name="name"),
            _input("address", id="address", type="text", name="address"),
            _input("card_number", id="card-number", type="text", name="card"),
            _input("card_expiry", id="card-expiry", type="text", name="expiry"),
            _input("card_cvc", id="card-cvc", type="text", name="cvc"),
            _btn("pay_now", "Pay now", "checkout_success", id="pay-now", cls="btn btn-primary",
                 type="submit", testid="pay-now", component="PayNowButton"),
        ]),
        _link("back_to_cart", "Back to cart", "cart", href="/cart", cls="back-to-cart"),
    ]),
    ("checkout_success", "/checkout/success", "Thank you", [
        _el("h1", {}, "Thank you!"),
        _el("p", {}, "Your order is on its way."),
        _link("keep_shopping", "Continue shopping", "products", href="/products", cls="btn"),
    ]),
    ("account", "/account", "Sign in", [
        _el("form", {"id": "login-form"}, [
            _input("login_email", id="login-email", type="email"),
            _input("login_password", id="login-password", type="password"),
            _btn("sign_in", "Sign in", "products", id="sign-in", cls="btn btn-primary"),
        ]),
        _link("forgot", "Forgot password?", None, href="/account/reset", cls="forgot-password"),
    ]),
    ("admin_orders", "/admin/orders", "Orders", [
        _el("h1", {}, "Orders"),
        _input("order_search", id="order-search", type="search"),
        _link("order_1", "#58121", "admin_order_detail", href="/admin/orders/58121",
              cls="order-link"),
        _link("order_2", "#58133", "admin_order_detail", href="/admin/orders/58133",
              cls="order-link"),
        _btn("export_csv", "Export CSV", None, id="export-csv", cls="btn"),
        _link("to_customers", "Customers", "admin_customers", href="/admin/customers",
              cls="side-link"),
        _link("to_reports", "Reports", "admin_reports", href="/admin/reports", cls="side-link"),
    ]),
    ("admin_order_detail", "/admin/orders/:id", "Order", [
        _el("h1", {}, "Order"),
        _btn("refund", "Refund", None, id="refund-order", cls="btn btn-danger", role="button"),
        _btn("resend", "Resend receipt", None, id="resend-receipt", cls="btn"),
        _link("back_orders", "Back to orders", "admin_orders", href="/admin/orders", cls="back"),
    ]),
    ("admin_customers", "/admin/customers", "Customers", [
        _el("h1", {}, "Customers"),
        _input("customer_search", id="customer-search", type="search"),
        _btn("next_page", "Next", None, cls="page-next", aria_label="Next page"),
        _link("back_orders2", "Orders", "admin_orders", href="/admin/orders", cls="side-link"),
    ]),
    ("admin_reports", "/admin/reports", "Reports", [
        _el("h1", {}, "Reports"),
        _btn("generate_report", "Generate report", None, id="generate-report",
             cls="btn btn-primary", title="Generate"),
        _link("back_orders3", "Orders", "admin_orders", href="/admin/orders", cls="side-link"),
    ]),
]  # fmt: skip


def _shell_spec(admin: bool) -> Spec:
    if admin:
        links = [
            _link(
                "nav_orders",
                "Orders",
                "admin_orders",
                id="nav-orders",
                cls="nav-link",
                href="/admin/orders",
            ),
            _link(
                "nav_reports",
                "Reports",
                "admin_reports",
                id="nav-reports",
                cls="nav-link",
                href="/admin/reports",
            ),
        ]
    else:
        links = [
            _link(
                "nav_products",
                "Products",
                "products",
                id="nav-products",
                cls="nav-link",
                href="/products",
            ),
            _link("nav_cart", "Cart", "cart", id="nav-cart", cls="nav-link", href="/cart"),
            _link(
                "nav_account",
                "Account",
                "account",
                id="nav-account",
                cls="nav-link",
                href="/account",
            ),
        ]
    head = _el("head", {}, [_el("meta", {"charset": "utf-8"}), _el("title", {}, "Acme Shop")])
    nav = _el(
        "nav", {"class": "navbar"}, [_el("a", {"class": "logo", "href": "/"}, "Acme"), *links]
    )
    body = _el("body", {}, [_el("div", {"id": "app"}, [nav, _el("main", {"id": "content"}, [])])])
    return _el("html", {"lang": "en"}, [head, body])


class Site:
    """All pages plus the two shells (shop and admin)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        for index, (name, route, title, content) in enumerate(_SHOP_PAGES):
            builder = _Builder(100 * (index + 1))
            ancestors = ["body", "div#app", "main#content"]
            spec = _el("div", {"class": f"page page-{name.replace('_', '-')}"}, content)
            dom = builder.build(spec, ancestors)
            self.pages[name] = Page(name, route, title, dom["id"], dom, builder.elements)
        self.shells: dict[bool, tuple[dict[str, Any], dict[str, Element], int]] = {}
        for admin in (False, True):
            builder = _Builder(3)
            html = builder.build(_shell_spec(admin), [])
            main_id = _find(html, "main")
            self.shells[admin] = (html, builder.elements, main_id)

    def shell_elements(self, page: Page) -> dict[str, Element]:
        return self.shells[page.route.startswith("/admin")][1]

    def main_id(self, page: Page) -> int:
        return self.shells[page.route.startswith("/admin")][2]

    def snapshot(self, page: Page) -> dict[str, Any]:
        """The full serialized document with `page` mounted under main#content."""
        html, _, main_id = self.shells[page.route.startswith("/admin")]
        html = _with_child(html, main_id, page.dom)
        doctype = {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2}
        return {"type": 0, "childNodes": [doctype, html], "compatMode": "CSS1Compat", "id": 1}

    def all_elements(self, page: Page) -> dict[str, Element]:
        return {**self.shell_elements(page), **page.elements}


def _find(node: dict[str, Any], tag: str) -> int:
    if node.get("tagName") == tag:
        return int(node["id"])
    for child in node.get("childNodes", []):
        found = _find(child, tag)
        if found:
            return found
    return 0


def _with_child(node: dict[str, Any], parent_id: int, child: dict[str, Any]) -> dict[str, Any]:
    if node["id"] == parent_id:
        return {**node, "childNodes": [child]}
    if not node.get("childNodes"):
        return node
    return {**node, "childNodes": [_with_child(c, parent_id, child) for c in node["childNodes"]]}


SITE = Site()
