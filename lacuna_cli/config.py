"""Configuration: the project's `[tool.lacuna]` (pyproject.toml) or `lacuna.toml`, the trusted
config outside the repository, then `LACUNA_*` environment variables (each later one wins).

The project's own file travels with the code under review, so it may not choose who decides or
where a credential goes: `opa_url` and `llm_url` set there are ignored with a warning and come
from the environment or the trusted config (`$LACUNA_TRUSTED_CONFIG`, else
`$XDG_CONFIG_HOME/lacuna/config.toml`, else `~/.config/lacuna/config.toml`), which must live
outside the repository; secrets come from the environment only.

The project root is where the project's configuration lives (else the git work tree, else the
directory checked); every path in findings, lineage and the audit log is relative to it, so
results do not depend on the directory `lacuna` was started from.
"""

from __future__ import annotations

import os
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.dialect_names import is_builtin_dialect
from lacuna_cli.errors import ConfigError, warn

DEFAULT_DB = ".lacuna/lacuna.duckdb"

# Environment variable -> config key; the environment wins over files (CI overrides).
ENV_KEYS = {
    "LACUNA_DB": "db",
    "LACUNA_DIALECT": "dialect",
    "LACUNA_ROLE": "role",
    "LACUNA_ENVIRONMENT": "environment",
    "LACUNA_PURPOSE": "purpose",
    "LACUNA_USER": "user",
    "LACUNA_AUDIT_KEY": "audit_key",
    "LACUNA_OPA_URL": "opa_url",
    "LACUNA_OPA_TOKEN": "opa_token",
    "LACUNA_EXCEPTIONS": "exceptions",
    "LACUNA_CLASSIFICATIONS": "classifications",
    "LACUNA_EMBEDDINGS": "embeddings",
    "LACUNA_LLM_URL": "llm_url",
    "LACUNA_LLM_MODEL": "llm_model",
    "LACUNA_LLM_API_KEY": "llm_api_key",
    "LACUNA_CENTRAL_URL": "central_url",
    "LACUNA_CENTRAL_UNREACHABLE": "central_unreachable",
}
# Secrets are taken from the environment only, never from a file.
ENV_ONLY_KEYS = ("opa_token", "llm_api_key")
# Settings that choose who decides or where a credential is sent, and what they decide: the
# repository under review cannot set them (the environment or the trusted config does).
TRUSTED_ONLY_KEYS = {
    "opa_url": "the policy server, which decides and receives LACUNA_OPA_TOKEN",
    "llm_url": "the LLM endpoint, which receives LACUNA_LLM_API_KEY",
    "central_url": "the central store, whose classifications decide what this repository reads",
}
TRUSTED_CONFIG_ENV = "LACUNA_TRUSTED_CONFIG"
DEFAULT_EXCEPTIONS = "lacuna-exceptions.yaml"
DEFAULT_CLASSIFICATIONS = "lacuna-classifications.yaml"


class Settings(BaseModel):
    """What a project can set; unknown keys are an error so typos do not silently do nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db: str = DEFAULT_DB
    dialect: str | None = None
    dialects: dict[str, str] = Field(default_factory=dict)
    rules: list[str] = Field(default_factory=list)
    apis: list[str] = Field(default_factory=list)  # the project's own library catalog files
    policies: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    user: str | None = None
    role: str = "developer"
    environment: str | None = None
    purpose: str | None = None
    audit_key: str = ".lacuna/audit-key.pem"
    opa_url: str | None = None
    opa_token: str | None = None
    opa_timeout: float = Field(default=5.0, gt=0)
    exceptions: str = DEFAULT_EXCEPTIONS
    # Classification: the reviewed overrides file, layer 2 on/off, layer 3 (off unless a URL
    # and a model are set).
    classifications: str = DEFAULT_CLASSIFICATIONS
    embeddings: bool = True
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_connect_timeout: float = Field(default=2.0, gt=0)
    llm_read_timeout: float = Field(default=20.0, gt=0)
    llm_deadline: float = Field(default=60.0, gt=0)
    # The central PostgreSQL store (issue 17): what other repositories produce is classified
    # from it; when it cannot be reached and nothing is cached, `warn` goes on with this
    # repository's own knowledge and `fail` stops the check.
    central_url: str | None = None
    central_unreachable: Literal["warn", "fail"] = "warn"
    central_timeout: float = Field(default=5.0, gt=0)


class TrustedSettings(BaseModel):
    """What the trusted config may set: who decides (and its limits), and the policy folders
    trusted like the shipped ones (paths relative to the trusted config's folder)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opa_url: str | None = None
    opa_timeout: float | None = Field(default=None, gt=0)
    llm_url: str | None = None
    llm_model: str | None = None
    llm_connect_timeout: float | None = Field(default=None, gt=0)
    llm_read_timeout: float | None = Field(default=None, gt=0)
    llm_deadline: float | None = Field(default=None, gt=0)
    central_url: str | None = None
    central_unreachable: Literal["warn", "fail"] | None = None
    central_timeout: float | None = Field(default=None, gt=0)
    policies: list[str] = Field(default_factory=list)


class Config(BaseModel):
    """Settings bound to a project root, with paths resolved."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    settings: Settings
    source: str | None = None
    trusted_policy_dirs: tuple[Path, ...] = ()  # from the trusted config: trusted as shipped

    def _project_path(self, text: str) -> Path:
        """A configured path: `~` expanded, relative to the project root."""
        return (self.root / os.path.expanduser(text)).resolve()

    @property
    def db_path(self) -> Path:
        return self._project_path(self.settings.db)

    @property
    def audit_key_path(self) -> Path:
        """The Ed25519 key that signs checkpoints (unsigned checkpoints when it is absent)."""
        return self._project_path(self.settings.audit_key)

    @property
    def rule_files(self) -> list[Path]:
        return [(self.root / p).resolve() for p in self.settings.rules]

    @property
    def api_files(self) -> tuple[Path, ...]:
        return tuple((self.root / p).resolve() for p in self.settings.apis)

    @property
    def policy_dirs(self) -> list[Path]:
        """The project's own policy folders: they may add rules, not change trusted ones."""
        return [(self.root / p).resolve() for p in self.settings.policies]

    @property
    def exceptions_path(self) -> Path:
        return self._project_path(self.settings.exceptions)

    @property
    def classifications_path(self) -> Path:
        return self._project_path(self.settings.classifications)

    @property
    def environment(self) -> str:
        """`ci` under a CI runner (CI=true, as GitHub Actions and most runners set), else
        `local`."""
        if self.settings.environment:
            return self.settings.environment
        return "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "local"

    def dialect_for(self, relpath: str, override: str | None = None) -> str | None:
        """The SQL dialect for one file: a per-path pattern beats the run's default."""
        for pattern, dialect in self.settings.dialects.items():
            if fnmatch(relpath, pattern):
                return dialect
        return override if override is not None else self.settings.dialect


def find_root(start: Path) -> Path:
    """Walk up from `start` to the nearest directory holding Lacuna config or a `.git`."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / "lacuna.toml").is_file() or _has_tool_table(folder / "pyproject.toml"):
            return folder
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _has_tool_table(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    try:
        return "lacuna" in _tool_table(_read_toml(pyproject))
    except ConfigError:
        return True  # report the broken file when loading it, rather than skipping past it


def _tool_table(pyproject: dict[str, Any]) -> dict[str, Any]:
    tool = pyproject.get("tool")
    return tool if isinstance(tool, dict) else {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def trusted_config_path() -> tuple[Path, bool]:
    """Where the trusted config is, and whether the environment named it (then it must exist)."""
    named = os.environ.get(TRUSTED_CONFIG_ENV)
    if named:
        return Path(named).expanduser(), True
    base = Path(os.environ.get("XDG_CONFIG_HOME") or "~/.config").expanduser()
    return base / "lacuna" / "config.toml", False


def _load_trusted(project: Path) -> tuple[dict[str, Any], Path | None, tuple[Path, ...]]:
    """The trusted config's settings, its path and its policy folders (nothing when absent)."""
    path, named = trusted_config_path()
    if not path.exists():
        if named:
            raise ConfigError(f"{path}: trusted config not found ({TRUSTED_CONFIG_ENV})")
        return {}, None, ()
    resolved = path.resolve()
    if resolved.is_relative_to(project):
        raise ConfigError(f"{path}: the trusted config must live outside the repository under "
                          f"review ({project})")
    raw = _read_toml(path)
    _refuse_secrets(raw, str(path))
    try:
        trusted = TrustedSettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from exc
    folders = tuple((resolved.parent / os.path.expanduser(p)).resolve() for p in trusted.policies)
    return trusted.model_dump(exclude_none=True, exclude={"policies"}), path, folders


def _refuse_secrets(raw: dict[str, Any], source: str | None) -> None:
    for key in ENV_ONLY_KEYS:
        if key in raw:
            raise ConfigError(f"{source}: {key}: set it through the environment "
                              f"(LACUNA_{key.upper()}), not in a file")


def _drop_trusted_only(raw: dict[str, Any], source: str | None) -> None:
    """The project's file cannot choose who decides or where credentials go: drop, and say so."""
    for key, what in TRUSTED_ONLY_KEYS.items():
        if key in raw:
            del raw[key]
            _warn_once(f"{source}: {key}: ignored: a repository's own config cannot choose {what}"
                       f"; set LACUNA_{key.upper()} or {key} in the trusted config "
                       f"({TRUSTED_CONFIG_ENV}, default ~/.config/lacuna/config.toml)")


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """A process that loads the config again (a notebook's cells) says it once."""
    if message not in _warned:
        _warned.add(message)
        warn(message)


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def load_config(start: Path | None = None, root: Path | None = None) -> Config:
    """Find the project root from `start` (or use `root`), read its config, the trusted config
    and the environment."""
    project = (root or find_root(start or Path.cwd())).resolve()
    raw: dict[str, Any] = {}
    source: str | None = None
    if (project / "lacuna.toml").is_file():
        raw = _read_toml(project / "lacuna.toml")
        source = "lacuna.toml"
    elif (project / "pyproject.toml").is_file():
        raw = _tool_table(_read_toml(project / "pyproject.toml")).get("lacuna", {})
        source = "pyproject.toml [tool.lacuna]" if raw else None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: must be a table of settings")
    _refuse_secrets(raw, source)
    _drop_trusted_only(raw, source)
    origin = dict.fromkeys(raw, source)
    trusted, trusted_path, trusted_policies = _load_trusted(project)
    raw.update(trusted)
    origin.update(dict.fromkeys(trusted, str(trusted_path)))
    for env_name, key in ENV_KEYS.items():
        if os.environ.get(env_name):
            raw[key] = os.environ[env_name]
            origin[key] = env_name
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        key = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        raise ConfigError(f"{origin.get(key) or source or 'environment'}: "
                          f"{_first_error(exc)}") from exc
    _check_dialects(settings, origin)
    return Config(root=project, settings=settings, source=source,
                  trusted_policy_dirs=trusted_policies)


def _check_dialects(settings: Settings, origin: dict[str, Any]) -> None:
    """An unknown dialect name would make every SQL file an error line: one line naming where
    it was set instead (sqlglot is imported only for a name that is not plainly one of its
    built-in dialects, see `dialect_names.py`)."""
    named = [("dialect", settings.dialect)] if settings.dialect else []
    named += [(f"dialects.{pattern}", name) for pattern, name in settings.dialects.items()]
    named = [(key, name) for key, name in named if not is_builtin_dialect(name)]
    if not named:
        return
    from sqlglot.dialects.dialect import Dialect, Dialects

    for key, name in named:
        try:
            Dialect.get_or_raise(name)
        except ValueError:
            known = ", ".join(sorted(d.value for d in Dialects if d.value))
            where = origin.get(key.split(".")[0]) or "environment"
            raise ConfigError(f"{where}: {key}: unknown SQL dialect {name!r} (known: "
                              f"{known})") from None
