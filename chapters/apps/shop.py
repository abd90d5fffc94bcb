# SPDX-License-Identifier: MIT
"""A small shop on a blueprint: chapter 7's patterns working together.

Run it with ``flask --app chapters/apps/shop.py run`` and open
http://127.0.0.1:5000/shop/products/ in a browser. Every page is a Jinja
template under ``templates/shop/``, so everything shown is autoescaped.

The login is a demonstration only: it takes a name and no password. It shows
where a login check goes, not how to authenticate anyone. The form has no
CSRF token either; a real app adds one (Flask-WTF does). The session cookie
is ``SameSite=Lax``, which browsers honour, not a replacement for the token.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from shop_generic import DetailView, ListView
from shop_mixins import JSONErrorsMixin, LoginRequiredMixin
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnprocessableEntity

from viewlib import MethodView

MAX_PRICE = Decimal("9999.99")
USERNAME = re.compile(r"[a-z]{1,20}")


class ProductStore:
    """Products in memory; the lock keeps ids unique when requests overlap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._products: dict[int, dict[str, Any]] = {}

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._products.values())

    def get(self, product_id: int) -> dict[str, Any] | None:
        with self._lock:
            return self._products.get(product_id)

    def add(self, name: str, price: Decimal) -> dict[str, Any]:
        with self._lock:
            product_id = len(self._products) + 1  # products are never removed
            product = {"id": product_id, "name": name, "price": price}
            self._products[product_id] = product
        return product


def check_product(form: MultiDict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The submitted values, stripped, and an error message per bad field."""
    values = {field: form.get(field, "").strip() for field in ("name", "price")}
    errors = {}
    if not 1 <= len(values["name"]) <= 80:
        errors["name"] = "Enter a name of 1 to 80 characters."
    try:
        price = Decimal(values["price"])
    except InvalidOperation:
        price = Decimal("NaN")
    exponent = price.as_tuple().exponent
    if not (price.is_finite() and 0 < price <= MAX_PRICE and int(exponent) >= -2):
        errors["price"] = f"Enter a price from 0.01 to {MAX_PRICE}, such as 3.50."
    return values, errors


class ProductList(ListView):
    template_name = "shop/product_list.html"

    def __init__(self, store: ProductStore) -> None:
        self.store = store

    def get_objects(self) -> list[dict[str, Any]]:
        return self.store.all()


class ProductDetail(DetailView):
    template_name = "shop/product_detail.html"

    def __init__(self, store: ProductStore) -> None:
        self.store = store

    def get_object(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.store.get(kwargs["product_id"])


class ProductCreate(LoginRequiredMixin, MethodView):
    """GET shows the form; POST adds the product or shows the form again."""

    def __init__(self, store: ProductStore) -> None:
        self.store = store

    def get(self) -> ResponseReturnValue:
        return render_template("shop/product_form.html", values={}, errors={})

    def post(self) -> ResponseReturnValue:
        values, errors = check_product(request.form)
        if errors:  # 422: the request was understood, but its content is wrong
            page = render_template(
                "shop/product_form.html", values=values, errors=errors
            )
            return page, 422
        product = self.store.add(
            values["name"], Decimal(values["price"]).quantize(Decimal("0.01"))
        )
        # 303 See Other: the browser follows it with a GET, so reloading the
        # page it lands on does not submit the form twice.
        return redirect(url_for(".product_detail", product_id=product["id"]), 303)


class Login(JSONErrorsMixin, MethodView):
    """Demonstration only: logs in whoever names themselves (no password)."""

    def post(self) -> ResponseReturnValue:
        name = request.form.get("username", "")
        if not USERNAME.fullmatch(name):
            raise UnprocessableEntity("'username' must be 1 to 20 lowercase letters")
        session["user"] = name
        return {"user": name}


class Logout(MethodView):
    def post(self) -> ResponseReturnValue:
        session.pop("user", None)
        return {"user": None}


def create_blueprint(store: ProductStore) -> Blueprint:
    """The shop's routes on a blueprint; endpoints are named ``shop.<name>``."""
    shop = Blueprint("shop", __name__)
    shop.add_url_rule(
        "/products/", view_func=ProductList.as_view("product_list", store)
    )
    shop.add_url_rule(
        "/products/<int:product_id>",
        view_func=ProductDetail.as_view("product_detail", store),
    )
    shop.add_url_rule(
        "/products/new", view_func=ProductCreate.as_view("product_create", store)
    )
    shop.add_url_rule("/login", view_func=Login.as_view("login"))
    shop.add_url_rule("/logout", view_func=Logout.as_view("logout"))
    return shop


def create_app(store: ProductStore | None = None) -> Flask:
    """The shop app; without a store of your own, it starts with two products."""
    app = Flask(__name__)
    # The secret key signs the session cookie: from the environment, or a
    # throwaway one (sessions then end when the server stops).
    app.secret_key = os.environ.get("SHOP_SECRET_KEY") or secrets.token_hex()
    # SameSite=Lax: the browser leaves the session cookie off a POST that a
    # page of another site sends here, so a forged form arrives logged out.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024  # bytes; a larger body gets 413
    if store is None:
        store = ProductStore()
        store.add("Green tea", Decimal("3.50"))
        store.add("Teapot", Decimal("24.00"))
    app.register_blueprint(create_blueprint(store), url_prefix="/shop")
    return app


app = create_app()
