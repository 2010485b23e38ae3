"""Click's usage error and context, from wherever this typer keeps them: typer up to 0.2x used
the `click` package; newer releases vendor it as `typer._click`."""

from typer import Abort

try:  # typer with its own copy of click
    from typer._click.exceptions import UsageError
    from typer._click.globals import get_current_context as current_context
except ImportError:  # typer on the click package
    from click import get_current_context as current_context
    from click.exceptions import UsageError

__all__ = ["Abort", "UsageError", "current_context"]
