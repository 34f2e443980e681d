"""`CommandPlan`: what one package-manager command would install, and a builder for it."""

from __future__ import annotations

from phantom_guard.model import PackageRef, Registry, Skipped, Source
from phantom_guard.records import field, record

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING the same).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from phantom_guard.sources import IndexOption


@record
class CommandPlan:
    """What a package-manager command line would fetch from a registry.

    `refs` are the names to check (`version` set for an exact pin); `skipped` the specs that are
    not registry names (paths, URLs, VCS, workspace links) or that a private index serves.
    `installs` is False for commands that fetch nothing (``pip list``, ``npm test``).
    `project_install` marks installs from the project's manifests and locks (``npm ci``,
    ``uv sync``, ``cargo build``); `project_files` are those files, relative to `project_dir`.
    """

    manager: str
    registry: Registry
    installs: bool
    subcommand: str | None = None
    refs: tuple[PackageRef, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    requirement_files: tuple[str, ...] = ()
    project_install: bool = False
    project_files: tuple[str, ...] = ()
    project_dir: str = "."
    private_index: str | None = None
    #: Index options the ``-r``/``-c`` files set (pip applies them to the whole command).
    index_options: tuple[IndexOption, ...] = ()


def redact(url: str) -> str:
    """An index URL without its credentials (``https://user:token@host/x`` -> ``https://host/x``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unparsable URL)"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host).geturl()


@record(frozen=False)
class PlanBuilder:
    """Collects refs and skipped specs for one command; then `build()` the frozen plan.

    Once `private` is set (an index or registry given on the command line), every name is
    skipped as served by it: the names a private index serves are never looked up publicly.
    """

    manager: str
    registry: Registry
    subcommand: str | None = None
    refs: list[PackageRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    requirement_files: list[str] = field(default_factory=list)
    index_options: list[IndexOption] = field(default_factory=list)
    private: str | None = None
    #: Where `private` was set, for the reasons ("given on the command line").
    private_origin: str = "given on the command line"
    private_scopes: dict[str, str] = field(default_factory=dict)

    def name(
        self, spec: str, name: str, version: str | None = None, source: Source | None = None
    ) -> None:
        """A registry name to check (unless a private index serves it)."""
        scope = name.partition("/")[0] if name.startswith("@") else None
        if scope is not None and scope.lower() in self.private_scopes:
            where = self.private_scopes[scope.lower()]
            self.skip(spec, f"private registry given on the command line ({where}): {spec}")
            return
        if self.private is not None:
            self.skip(spec, f"private index {self.private_origin} ({self.private}): {spec}", source)
            return
        self.refs.append(PackageRef(name, self.registry, source, version))

    def skip(self, spec: str, reason: str, source: Source | None = None) -> None:
        """A spec that is not looked up, and why."""
        self.skipped.append(Skipped(spec, reason, source))

    def use_index(
        self, option: str, url: str | None, origin: str = "given on the command line"
    ) -> None:
        """An index option (on the command line, unless `origin` says where): from now on
        names are private.
        """
        where = option if url is None else f"{option} {redact(url)}"
        if self.private is None:
            self.private, self.private_origin = where, origin

    def build(
        self,
        *,
        installs: bool = True,
        project_install: bool = False,
        project_files: tuple[str, ...] = (),
        project_dir: str = ".",
    ) -> CommandPlan:
        """The frozen plan; a private index applies to names found before it was given, too."""
        refs = self.refs
        skipped = list(self.skipped)
        if self.private is not None and refs:
            skipped.extend(
                Skipped(
                    ref.name,
                    f"private index {self.private_origin} ({self.private}): {ref.name}",
                    ref.source,
                )
                for ref in refs
            )
            refs = []
        return CommandPlan(
            manager=self.manager,
            registry=self.registry,
            # A plan that names packages is never "installs nothing" (``uvx --with x`` without
            # a command): checking a name costs little, passing it unchecked is a silent pass.
            installs=installs or bool(refs),
            subcommand=self.subcommand,
            refs=tuple(refs),
            skipped=tuple(skipped),
            requirement_files=tuple(self.requirement_files),
            project_install=project_install,
            project_files=project_files,
            project_dir=project_dir,
            private_index=self.private,
            index_options=tuple(self.index_options),
        )
