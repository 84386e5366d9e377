"""Project configuration: `[tool.lacuna]` in pyproject.toml or a `lacuna.toml`, then `LACUNA_*`.

The project root is where that configuration lives (else the git work tree, else the directory
checked); every path in findings, lineage and the audit log is relative to it, so results do not
depend on the directory `lacuna` was started from.
"""

from __future__ import annotations

import os
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.errors import ConfigError

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
}
# Secrets are taken from the environment only, never from a file committed with the code.
ENV_ONLY_KEYS = ("opa_token", "llm_api_key")
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


class Config(BaseModel):
    """Settings bound to a project root, with paths resolved."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    settings: Settings
    source: str | None = None

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
        return [(self.root / p).resolve() for p in self.settings.policies]

    @property
    def exceptions_path(self) -> Path:
        return self._project_path(self.settings.exceptions)

    @property
    def classifications_path(self) -> Path:
        return self._project_path(self.settings.classifications)

    @property
    def environment(self) -> str:
        """`ci` under a CI runner (CI=true, as GitHub Actions and most runners set), else `local`."""
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
        return "lacuna" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return True  # report the broken file when loading it, rather than skipping past it


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def load_config(start: Path | None = None, root: Path | None = None) -> Config:
    """Find the project root from `start` (or use `root`), read its config and the environment."""
    project = (root or find_root(start or Path.cwd())).resolve()
    raw: dict[str, Any] = {}
    source: str | None = None
    if (project / "lacuna.toml").is_file():
        raw = _read_toml(project / "lacuna.toml")
        source = "lacuna.toml"
    elif (project / "pyproject.toml").is_file():
        raw = _read_toml(project / "pyproject.toml").get("tool", {}).get("lacuna", {})
        source = "pyproject.toml [tool.lacuna]" if raw else None
    for key in ENV_ONLY_KEYS:
        if key in raw:
            raise ConfigError(f"{source}: {key}: set it through the environment "
                              f"(LACUNA_{key.upper()}), not in a file kept with the code")
    for env_name, key in ENV_KEYS.items():
        if os.environ.get(env_name):
            raw[key] = os.environ[env_name]
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{source or 'environment'}: {where}: {first['msg']}") from exc
    return Config(root=project, settings=settings, source=source)
