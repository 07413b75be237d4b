"""The scheme catalog of a data folder (built-ins + user schemes folder) and importing a scheme file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hotline_desktop.core.atomic import atomic_write
from hotline_desktop.core.scheme_catalog import (
    USER,
    ImportCheck,
    SchemeEntry,
    SchemeImportRefused,
    check_import,
    find_scheme,
    read_scheme_file,
    scheme_catalog,
)
from hotline_desktop.core.scoring.errors import SchemeError, SchemeProblem
from hotline_desktop.core.scoring.scheme import Scheme, load_scheme_text
from hotline_desktop.db.repositories import AuditRepository
from hotline_desktop.db.store import Store
from hotline_desktop.services.errors import ServiceError, StoreWriteError
from hotline_desktop.services.events import Event

__all__ = ["ImportCheck", "ImportResult", "SchemeEntry", "SchemeImportRefused", "SchemeService"]


@dataclass(frozen=True)
class ImportResult:
    entry: SchemeEntry
    previous_text: str | None  # the replaced user file's text (for undo), None when it was new


class SchemeService:
    def __init__(self, store: Store):
        self.store = store
        self.changed = Event()  # emits (scheme_id) after an import, a replace or its undo
        self._cache: tuple[tuple, list[SchemeEntry]] | None = None

    @property
    def folder(self) -> Path:
        return self.store.paths.schemes

    def _signature(self) -> tuple:
        try:
            return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder.glob("*.toml")))
        except OSError:
            return ()

    def catalog(self) -> list[SchemeEntry]:
        """Built-in then user schemes; a broken user file is an entry with its problem (re-read when the folder changes)."""
        sig = self._signature()
        if self._cache is None or self._cache[0] != sig:
            self._cache = (sig, scheme_catalog(self.folder))
        return list(self._cache[1])

    def usable(self) -> list[SchemeEntry]:
        return [e for e in self.catalog() if e.ok]

    def resolve(self, scheme: str | Path) -> Scheme:
        """A scheme by catalog id, or a .toml file by path (SchemeError when unknown or broken)."""
        if isinstance(scheme, Path) or str(scheme).lower().endswith(".toml"):
            return read_scheme_file(Path(scheme))
        entries = self.catalog()
        entry = find_scheme(entries, str(scheme))
        if entry is not None:
            return entry.scheme
        broken = next((e for e in entries if e.id == scheme), None)
        if broken is not None:
            raise SchemeError(str(broken.path), [SchemeProblem("", broken.problem or "方案文件有误")])
        known = "、".join(e.id for e in entries if e.ok)
        raise SchemeError(str(scheme), [SchemeProblem("", f"找不到考核方案：{scheme}（可用方案：{known}）")])

    def check_import(self, path: Path) -> ImportCheck:
        """SchemeError: the file is not a valid scheme; SchemeImportRefused: its id is a built-in's."""
        return check_import(Path(path), self.catalog(), self.folder)

    def import_file(self, path: Path, *, replace: bool = False) -> ImportResult:
        """Copy a validated scheme file into the user folder as <id>.toml. An id of an existing user
        scheme needs replace=True; a built-in id is always refused."""
        check = self.check_import(path)
        if check.replaces is not None and not replace:
            raise ServiceError(f"已有用户方案 {check.scheme.id}（{check.replaces.title}），如要替换请确认替换")
        previous = self._read(check.replaces.path) if check.replaces is not None else None

        def apply() -> None:
            if check.replaces is not None and check.replaces.path != check.target:
                self._remove(check.replaces.path)
            self._write(check.target, check.scheme.text)

        self._audited(check.scheme.id, "update" if previous is not None else "insert",
                      check.replaces.title if check.replaces else None, check.scheme.title, apply)
        entry = next(e for e in self.catalog() if e.origin == USER and e.path == check.target)
        return ImportResult(entry, previous)

    def restore_file(self, scheme_id: str, previous_text: str | None, *, action: str = "undo") -> None:
        """Undo (or redo) of an import: write that text as the user file, or remove it (None)."""
        target = self.folder / f"{scheme_id}.toml"
        old = find_scheme(self.catalog(), scheme_id)
        new = load_scheme_text(previous_text, str(target)).title if previous_text is not None else None
        self._audited(scheme_id, action, old.title if old else None, new,
                      lambda: self._remove(target) if previous_text is None else self._write(target, previous_text))

    # -- files ---------------------------------------------------------------------------------
    def _read(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ServiceError(f"无法读取用户方案文件 {path}：{e}") from None

    def _write(self, target: Path, text: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_write(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except OSError as e:
            raise StoreWriteError(f"无法写入用户方案文件 {target}：{e.strerror or e}") from None

    def _remove(self, path: Path) -> None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        except OSError as e:
            raise StoreWriteError(f"无法删除用户方案文件 {path}：{e.strerror or e}") from None

    def _audited(self, scheme_id: str, action: str, old_title, new_title, apply) -> None:
        """Change the folder inside the unit of work that records it (a failed write records nothing)."""
        with self.store.session() as s:
            AuditRepository(s).record("user_schemes", 0, action, {scheme_id: (old_title, new_title)})
            s.flush()
            apply()
        self.changed.emit(scheme_id)
