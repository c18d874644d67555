"""Every error infra defines is in the one hierarchy infra/errors.py draws, so the command line's
single `except PicletterError` prints it as one line, and the drawing names it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import infra
from infra.errors import PicletterError
from tests.helpers import REPO


def infra_exceptions() -> list[type[BaseException]]:
    found = []
    for module_info in pkgutil.walk_packages(infra.__path__, "infra."):
        if module_info.name == "infra.__main__":
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_infra_error_is_a_picletter_error() -> None:
    outside = [f"{e.__module__}.{e.__qualname__}" for e in infra_exceptions() if not issubclass(e, PicletterError)]
    assert outside == []


def test_the_drawing_names_every_error() -> None:
    drawing = (REPO / "infra" / "errors.py").read_text()
    assert [error.__name__ for error in infra_exceptions() if f" {error.__name__} " not in drawing] == []
