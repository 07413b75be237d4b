"""Roles enforced by the PostgreSQL server: 管理员 (units, schemes, settings, calendar) and 录入员
(figures, evidence, notices, KB entries), each seat logging in as its own database role; a refused
write is a Chinese message naming the role and what it may not change, and nothing is saved."""

import os
from datetime import date

import pg_support
import pytest
from sqlalchemy import create_engine, make_url, text

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.db import roles
from hotline_desktop.db.seats import ADMIN, CLERK
from hotline_desktop.paths import DataPaths
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.skipif(not pg_support.server_url(), reason="no PostgreSQL test server (--pg-url)")


@pytest.fixture
def office(tmp_path):
    """A server database set up by its owner, with one 管理员 and one 录入员 login role."""
    url = pg_support.fresh_database()
    owner = AppServices.open(DataPaths(tmp_path / "owner", url))
    owner.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    ys = owner.assessment.assign(2026, "ganxian-2023-hotline")
    tag = f"{os.getpid()}_{make_url(url).database}"
    admin, clerk = f"seat_admin_{tag}", f"seat_clerk_{tag}"
    assert roles.setup(owner.store.engine)
    assert "已有" in " ".join(roles.setup(owner.store.engine))  # idempotent
    roles.add_user(owner.store.engine, admin, "管理员")
    roles.add_user(owner.store.engine, clerk, "录入员")
    seats = {}
    for name in (admin, clerk):
        seat_url = make_url(url).set(username=name).render_as_string(hide_password=False)
        seats[name] = AppServices.open(DataPaths(tmp_path / name, seat_url), auto_backup=False)
    yield owner, seats[admin], seats[clerk], ys
    for s in (*seats.values(), owner):
        s.close()
    pg_support.drop(url)
    engine = create_engine(pg_support.url_for("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        for name in (admin, clerk):
            con.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    engine.dispose()


def test_each_seat_reads_its_role_and_is_named_in_the_audit_log(office):
    owner, admin, clerk, ys = office
    assert (admin.store.role, clerk.store.role, owner.store.role) == (ADMIN, CLERK, ADMIN)
    u = owner.units.list()[0].id
    clerk.assessment.set_values(ys.id, [CellEdit(u, "2026-03", "volume", "20", version=0)])
    with owner.store.session() as s:
        who = s.execute(text("SELECT operator FROM audit_log WHERE table_name = 'monthly_values'")).scalars().all()
    assert who == [clerk.store.operator] and clerk.store.operator.startswith("seat_clerk_")


def test_a_clerk_cannot_change_units_and_is_told_so(office):
    owner, _admin, clerk, _ys = office
    with pytest.raises(PermissionDenied) as e:
        clerk.units.create(UnitDraft(code="T02", name="五云镇", kind="town"))
    assert "你的角色（录入员）不能修改承办单位" in str(e.value)
    with pytest.raises(PermissionDenied, match="录入员.*工作日历"):
        clerk.calendar.set_day(date(2026, 10, 9), "节假日", "国庆")
    with pytest.raises(PermissionDenied, match="录入员.*设置"):
        clerk.settings.update({"office_name": "五云镇热线"})
    assert [r.code for r in owner.units.list()] == ["T01"]  # nothing saved


def test_an_admin_cannot_enter_figures_or_notices_but_manages_units(office):
    owner, admin, clerk, ys = office
    u = owner.units.list()[0].id
    admin.units.create(UnitDraft(code="T02", name="五云镇", kind="town"))
    with pytest.raises(PermissionDenied, match="你的角色（管理员）不能修改月度数据"):
        admin.assessment.set_values(ys.id, [CellEdit(u, "2026-03", "volume", "20")])
    assert clerk.assessment.monthly_cells(ys.id) == {}
    assert {r.code for r in clerk.units.list()} == {"T01", "T02"}  # both read everything


def test_bad_role_and_user_names(office):
    owner = office[0]
    with pytest.raises(ServiceError, match="角色应为"):
        roles.add_user(owner.store.engine, "someone", "领导")
    with pytest.raises(ServiceError, match="无效"):
        roles.add_user(owner.store.engine, 'x"; DROP TABLE units; --', "录入员")


def test_roles_cli_sets_up_adds_and_lists(office, capsys):
    from hotline_desktop.cli import main

    owner = office[0]
    url = owner.store.paths.database_url
    user = f"seat_cli_{os.getpid()}_{make_url(url).database}"
    try:
        assert main(["--database-url", url, "roles", "setup"]) == 0
        assert main(["--database-url", url, "roles", "add", user, "--role", "录入员"]) == 0
        assert main(["--database-url", url, "roles", "list"]) == 0
        out = capsys.readouterr().out
        assert "hotline_clerk" in out and f"{user}\t录入员" in out
        assert main(["--database-url", url, "roles", "add", user, "--role", "领导"]) == 2
        assert "角色应为" in capsys.readouterr().err
    finally:
        engine = create_engine(pg_support.url_for("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as con:
            con.execute(text(f'DROP ROLE IF EXISTS "{user}"'))
        engine.dispose()
