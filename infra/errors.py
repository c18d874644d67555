"""The errors infra raises for problems a person can fix, in one hierarchy.

Each message is the whole story: what is wrong, named by the setting, argument or file, and what
to do. The command line (`infra.cli.main`) catches `PicletterError` once and prints its message as
one `error:` line with exit status 2; nothing below the command line converts errors.

    PicletterError                    a problem a person can fix (never carries a secret)
    ├── UserError                     an argument, or a file an argument names (infra.errors)
    ├── ConfigError                   the stack configuration, every problem at once (infra.errors)
    ├── ScheduleError                 a schedule or time zone (infra.schedule.errors)
    ├── ProgramFailed                 the program raised under synth's mocks (infra.synth.mock_run)
    ├── HerokuError                   the Heroku side (infra.heroku.errors)
    │   ├── HerokuSettingsError       HEROKU_API_URL, HEROKU_API_ATTEMPTS or HEROKU_API_BACKOFF
    │   ├── HerokuRequestError        an app or dyno name that would not make a valid path (not sent)
    │   ├── HerokuLogStreamError      a log session expired, not found, dropped or idle
    │   ├── HerokuConfigVarConflict   a config var the stack would overwrite or delete but does not own
    │   ├── HerokuMissingToken        neither picletter:herokuApiToken nor HEROKU_API_KEY is set
    │   ├── HerokuBuildFailed         a build of the job's code failed, timed out or was overtaken
    │   └── HerokuApiError            Heroku answered with an error, or did not answer
    │       ├── HerokuAuthError       401, 403
    │       ├── HerokuNotFound        404
    │       ├── HerokuRateLimited     429 after every retry
    │       ├── HerokuConnectionError no answer after every retry
    │       └── HerokuUnexpectedAnswer an answer that is not the Platform API's (HTML, empty, cut off)
    └── AzureError                    the Azure side of the operator's commands (infra.azure.errors)
        ├── AzureSettingsError        PICLETTER_ARM_URL, a workflow's state or triggers, a nextLink elsewhere
        ├── AzureLoginError           no Azure credential gave a token: how to log in
        └── AzureApiError             Azure Resource Manager answered with an error, or did not answer
            ├── AzureAuthError        401, 403 (the role each command needs)
            ├── AzureNotFound         404
            ├── AzureThrottled        429 after every retry
            └── AzureConnectionError  no answer after every retry

Imports nothing of the project's, so every layer may import it.
"""

from __future__ import annotations

__all__ = ["ConfigError", "PicletterError", "UserError"]


class PicletterError(Exception):
    """A problem a person can fix; the message says how."""


class UserError(PicletterError):
    """A command-line argument, or a file an argument names."""


class ConfigError(PicletterError):
    """Every problem in the stack configuration, one per line, each naming the key and the fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack configuration:\n" + "\n".join(f"  - {p}" for p in problems))
