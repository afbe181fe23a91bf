"""The one way propwatch writes HTML: Jinja2 templates shipped in the package, autoescaped.

Every value a template prints is escaped unless it is `Markup` (our own CSS, scripts and Plotly's
figures): article text, titles, outlets and sources cannot become markup. Data for a script goes
through `tojson`, which also escapes < > & ' so that it cannot end its <script> element.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = ["render_template", "templates"]


def _thousands(value: float) -> str:
    return f"{value:,}"


@cache
def templates(package: str) -> Environment:
    """The templates in `package`'s `templates/` folder, under the one escaping policy."""
    environment = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt name fails loudly, never prints nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["thousands"] = _thousands
    # Keys in their given order, non-ASCII as is, compact: the report's script reads them so.
    environment.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    return environment


def render_template(package: str, name: str, **context: Any) -> str:
    """The template `name` of `package` filled in with `context`."""
    return templates(package).get_template(name).render(**context)
