"""An alias: `HerokuConfigVarsProvider` moved to infra.dynamic.heroku_config_vars (docs/adr/0011).

States written before the move pickled the provider by this module path, and `pulumi refresh` and
`pulumi destroy` load that pickle, so the path stays importable. It may go once every stack has
run one `pulumi up` with the moved code: each `up` pickles the provider anew under its new path.
Nothing in the project imports this module (pyproject.toml's import contracts allow this one
upward import, for the old states alone).
"""

from infra.dynamic.heroku_config_vars import HerokuConfigVarsProvider

__all__ = ["HerokuConfigVarsProvider"]
