"""Errors of the scoring package. Every message meant for a user is Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from hotline_desktop.core.text import clip


@dataclass(frozen=True)
class SchemeProblem:
    """One error in a scheme definition: where (``indicators[3].max``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SchemeError(Exception):
    """A scheme definition could not be loaded; ``problems`` lists every error found."""

    def __init__(self, source: str, problems: list[SchemeProblem]):
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"考核方案 {source} 有 {len(self.problems)} 处错误：\n{lines}")

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.problems)


class InputValueError(ValueError):
    """One typed value is not acceptable for its input; the message is Chinese and names it."""

    def __init__(self, key: str, value: object, message_zh: str):
        super().__init__(message_zh)
        self.key, self.value, self.message_zh = key, value, message_zh


def shown(value: object, *, strip: bool = False) -> str:
    """A value as a message shows it: （空）, true / false, or its text (clipped; ``strip``: trimmed)."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "true" if value else "false"
    return clip(value.strip() if strip and isinstance(value, str) and len(value) < 1000 else value)


@dataclass(frozen=True)
class InputProblem:
    """One bad input: which unit, month (``None`` for annual or general data), key and value."""

    unit: str | None
    month: str | None
    key: str | None
    value: object
    message_zh: str

    def line(self) -> str:
        """One line for a terminal: names unit, month, key and value, then the Chinese reason."""
        return (
            f"unit={clip(self.unit or '-')} month={clip(self.month or '-')} key={clip(self.key or '-')} "
            f"value={shown(self.value)}: {clip(self.message_zh, 300)}"
        )

    def __str__(self) -> str:
        return self.line()


class ScoringInputError(ValueError):
    """Bad input, all problems at once. Nothing was applied."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.line() for p in self.problems))

    def lines(self) -> list[str]:
        return [p.line() for p in self.problems]
