"""The import-linter contracts of pyproject.toml hold: cli -> gui -> services -> db -> core, core
imports neither db nor services, and the GUI reaches the store only through services (minus
the listed start-up exceptions). Run in a subprocess: import-linter configures logging."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"


def _lint(config: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("importlinter")
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_layer_contracts_hold():
    done = _lint(ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contract_would_catch_core_importing_services(tmp_path):
    """The check can fail: a copy of the config with core placed above services is broken."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    broken = text.replace('    "hotline_desktop.services",\n    "hotline_desktop.db",\n    "hotline_desktop.core",\n',
                          '    "hotline_desktop.core",\n    "hotline_desktop.services",\n    "hotline_desktop.db",\n')
    assert broken != text
    config = tmp_path / "pyproject.toml"
    config.write_text(broken, encoding="utf-8")
    done = _lint(config)
    assert done.returncode != 0 and "BROKEN" in done.stdout


# -- "SQL lives in repositories under db/; services orchestrate" (design card, convention 4) ----------
SERVICES = ROOT / "hotline_desktop" / "services"
# What a service may take from SQLAlchemy: exceptions it translates, Session typing, URL parsing.
ALLOWED_SQLALCHEMY = {
    ("sqlalchemy.exc", "IntegrityError"), ("sqlalchemy.exc", "SQLAlchemyError"),
    ("sqlalchemy.orm", "Session"), ("sqlalchemy.engine", "make_url"),
}
RUNS_SQL = {"execute", "exec_driver_sql", "scalar", "scalars", "scalar_one", "executemany"}
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA)\b")


def sql_in(source: str, name: str) -> list[str]:
    """Where a module builds or runs SQL itself: a SQLAlchemy query construct imported (select,
    insert, update, delete, text, func, tuple_, create_engine…), a statement executed, or SQL text."""
    out = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            out += [f"{name}:{node.lineno} import {a.name}" for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            out += [f"{name}:{node.lineno} from {node.module} import {a.name}" for a in node.names
                    if (node.module, a.name) not in ALLOWED_SQLALCHEMY]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RUNS_SQL:
            out.append(f"{name}:{node.lineno} .{node.func.attr}(…)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            out.append(f"{name}:{node.lineno} SQL text {node.value[:40]!r}")
    return out


def test_services_hold_no_sql():
    """Queries live in the repositories of db/: no service imports a query construct, runs a
    statement or writes SQL text (a service asks a repository, named by what it answers)."""
    found = [p for f in sorted(SERVICES.rglob("*.py"))
             for p in sql_in(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))]
    assert found == [], "SQL in services/ (move it into a repository under db/):\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    "from sqlalchemy import select\n",
    "def f():\n    from sqlalchemy import text, func\n",
    "import sqlalchemy as sa\n",
    "from sqlalchemy.orm import Query\n",
    "from sqlalchemy import create_engine\n",
    "def f(s, q):\n    return s.execute(q)\n",
    "def f(con):\n    con.exec_driver_sql('x')\n",
    "Q = 'SELECT 1 FROM monthly_values WHERE id = :i'\n",
    "Q = 'UPDATE kb_entries SET version = version + 1'\n",
])
def test_the_sql_check_would_catch(snippet):
    assert sql_in(snippet, "x.py")


@pytest.mark.parametrize("snippet", [
    "from sqlalchemy.exc import IntegrityError, SQLAlchemyError\n",
    "from sqlalchemy.orm import Session\n",
    "def f(u):\n    from sqlalchemy.engine import make_url\n    return make_url(u)\n",
    "MSG = '选择单位后再删除'\nd.update(x=1)\n",
])
def test_the_sql_check_lets_pass(snippet):
    assert sql_in(snippet, "x.py") == []
