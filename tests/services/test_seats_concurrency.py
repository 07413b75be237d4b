"""Two seats on one database: a stale edit is refused in Chinese with the current value and who
changed it; nothing of the refused batch is applied; every audit row names its operator."""

import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.assessment import CellEdit
from hotline_desktop.services.errors import ConflictError


@pytest.fixture
def seats(paths):
    a = AppServices.open(paths)
    b = AppServices.open(paths, lock=False, auto_backup=False)  # a second seat (window/process)
    a.store.set_operator("张三")
    b.store.set_operator("李四")
    yield a, b
    b.close()
    a.close()


@pytest.fixture
def year(seats):
    a, _b = seats
    unit = a.units.create(UnitDraft(code="T01", name="梅林镇", kind="town"))
    ys = a.assessment.assign(2023, "ganxian-2023-hotline")
    return ys.id, unit.id


def test_second_writer_of_a_cell_is_refused_with_the_current_value_and_who(seats, year):
    a, b = seats
    ys, u = year
    first = a.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "21", version=0)])
    assert first[0].version == 1
    read_by_b = b.assessment.monthly_versions(ys, "2023-01")[(u, "volume")]
    a.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "30", version=1)])
    with pytest.raises(ConflictError) as e:
        b.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "25", version=read_by_b),
                                     CellEdit(u, "2023-02", "volume", "9", version=0)])
    msg = str(e.value)
    assert "梅林镇" in msg and "2023年1月" in msg and "“30”" in msg and "张三" in msg, msg
    assert e.value.current == "30" and e.value.operator == a.store.operator
    cells = b.assessment.monthly_cells(ys)
    assert cells[(u, "2023-01", "volume")].text == "30"
    assert (u, "2023-02", "volume") not in cells  # nothing of the refused batch applied


def test_two_seats_inserting_the_same_new_cell_conflict_not_crash(seats, year):
    a, b = seats
    ys, u = year
    a.assessment.set_values(ys, [CellEdit(u, "2023-03", "volume", "5", version=0)])
    with pytest.raises(ConflictError, match="“5”"):
        b.assessment.set_values(ys, [CellEdit(u, "2023-03", "volume", "7", version=0)])


def test_insert_race_through_the_unique_constraint_is_a_conflict(seats, year, monkeypatch):
    """Seat B read 'no row' and its version check passed; seat A's insert lands before B's."""
    a, b = seats
    ys, u = year
    real = b.assessment._check_versions

    def check_then_a_inserts(s, sch, edits, stored, existing):
        real(s, sch, edits, stored, existing)
        if edits and edits[0].month == "2023-04":
            a.assessment.set_values(ys, [CellEdit(u, "2023-04", "volume", "11")])

    monkeypatch.setattr(b.assessment, "_check_versions", check_then_a_inserts)
    with pytest.raises(ConflictError) as e:
        b.assessment.set_values(ys, [CellEdit(u, "2023-04", "volume", "12", version=0)])
    assert e.value.current == "11"
    assert b.assessment.monthly_cells(ys, "2023-04")[(u, "2023-04", "volume")].text == "11"


def test_unchecked_edits_still_write_and_versions_count_up(seats, year):
    a, b = seats
    ys, u = year
    a.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "1")])
    ch = b.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "2")])  # an import: not checked
    assert ch[0].version == 2
    cleared = a.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", None, version=2)])
    assert cleared[0].version == 0
    assert a.assessment.monthly_versions(ys, "2023-01") == {}


def test_annual_item_conflict(seats, year):
    a, b = seats
    ys, u = year
    a.assessment.set_values(ys, [CellEdit(u, None, "training", "是", version=0)])
    v = b.assessment.annual_versions(ys, u)[(u, "training")]
    a.assessment.set_values(ys, [CellEdit(u, None, "training", "否", version=v)])
    with pytest.raises(ConflictError, match="“否”"):
        b.assessment.set_values(ys, [CellEdit(u, None, "training", None, version=v)])
    assert b.assessment.annual_cells(ys, u)[(u, "training")].value is False


def test_every_audit_row_names_its_operator(seats, year):
    a, b = seats
    ys, u = year
    a.assessment.set_values(ys, [CellEdit(u, "2023-01", "volume", "1")])
    b.units.update(u, UnitDraft(code="T01", name="梅林镇2", kind="town"))
    with a.store.session() as s:
        rows = s.execute(__import__("sqlalchemy").text(
            "SELECT table_name, operator FROM audit_log ORDER BY id")).all()
    assert rows and all(op for _t, op in rows), rows
    assert ("monthly_values", a.store.operator) in rows and ("units", b.store.operator) in rows
    assert a.store.operator.startswith("张三") and b.store.operator.startswith("李四")


def test_operator_defaults_to_the_os_user_or_the_database_role(paths, backend, monkeypatch):
    monkeypatch.delenv("HOTLINE_OPERATOR", raising=False)
    from sqlalchemy import make_url

    from hotline_desktop.db.seats import ADMIN, os_user

    s = AppServices.open(paths)
    try:
        if backend == "sqlite":
            assert s.store.operator == os_user() and s.store.operator
            assert s.store.role is None  # SQLite: no roles, everything allowed
        else:
            assert s.store.operator == make_url(paths.database_url).username  # current_user
            assert s.store.role == ADMIN  # the owner / a superuser
        with pytest.raises(ValueError, match="过长"):
            s.store.set_operator("x" * 40)
    finally:
        s.close()


def test_update_race_after_the_check_is_refused_whole(seats, year, monkeypatch):
    """Seat A's update lands between seat B's version check and B's UPDATE … AND version = ?."""
    a, b = seats
    ys, u = year
    a.assessment.set_values(ys, [CellEdit(u, "2023-05", "volume", "1")])
    real = b.assessment._check_versions

    def check_then_a_updates(s, sch, edits, stored, existing):
        real(s, sch, edits, stored, existing)
        a.assessment.set_values(ys, [CellEdit(u, "2023-05", "volume", "2")])

    monkeypatch.setattr(b.assessment, "_check_versions", check_then_a_updates)
    with pytest.raises(ConflictError, match="其他席位"):
        b.assessment.set_values(ys, [CellEdit(u, "2023-05", "volume", "3", version=1),
                                     CellEdit(u, "2023-06", "volume", "4", version=0)])
    cells = a.assessment.monthly_cells(ys)
    assert cells[(u, "2023-05", "volume")].text == "2" and (u, "2023-06", "volume") not in cells


def test_unit_saved_over_another_seats_change_is_refused_naming_who(seats, year):
    from hotline_desktop.services.units import StaleEdit, draft_of

    a, b = seats
    _ys, u = year
    read_by_b = b.units.get(u)
    assert read_by_b.version == 1
    newer = draft_of(a.units.get(u))
    newer.contact = "王丽"
    assert a.units.update(u, newer, expected_version=1).version == 2
    mine = draft_of(read_by_b)
    mine.phone = "13800000001"
    with pytest.raises(StaleEdit) as e:
        b.units.update(u, mine, expected_version=read_by_b.version)
    assert isinstance(e.value, ConflictError)
    assert "王丽" in str(e.value) and "张三" in str(e.value)
    assert b.units.get(u).phone == "" and b.units.get(u).contact == "王丽"



def test_kb_entry_edit_and_undo_over_another_seats_change_are_refused(seats):
    from hotline_desktop.core.kb import Content

    a, b = seats
    a.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    eid = a.kb.create("D01", "社会民生", "一问一答", Content("高龄津贴怎么申请？", "到社区服务站申请。")).entry_id
    read_by_b = b.kb.detail(eid)
    mine = a.kb.edit(eid, Content("高龄津贴怎么申请？", "携带身份证到社区服务站申请。"),
                     expected_version=a.kb.detail(eid).version)
    with pytest.raises(ConflictError) as e:
        b.kb.edit(eid, Content("高龄津贴怎么申请？", "网上申请。"), expected_version=read_by_b.version)
    assert "张三" in str(e.value) and "高龄津贴" in str(e.value)
    assert a.kb.detail(eid).working.answer == "携带身份证到社区服务站申请。"
    # seat B, now up to date, changes it; seat A's undo of its own edit is refused, not applied
    b.kb.edit(eid, Content("高龄津贴怎么申请？", "网上申请。"), expected_version=b.kb.detail(eid).version)
    with pytest.raises(ConflictError, match="李四"):
        a.kb.undo(mine)
    assert a.kb.detail(eid).working.answer == "网上申请。"


def test_calendar_day_and_its_undo_over_another_seats_change_are_refused(seats):
    from datetime import date

    a, b = seats
    day = date(2026, 10, 9)
    b.calendar.calendar()  # seat B has read the calendar
    edit = a.calendar.set_day(day, "节假日", "国庆节")
    with pytest.raises(ConflictError) as e:
        b.calendar.set_day(day, "调休上班", "")
    assert "2026年10月9日" in str(e.value) and "节假日" in str(e.value) and "张三" in str(e.value)
    assert {od.day: od.name for od in a.calendar.office_days(2026)} == {day: "国庆节"}
    b.calendar.invalidate()
    b.calendar.set_day(day, "节假日", "国庆调休")  # seen now: goes through
    with pytest.raises(ConflictError, match="李四"):
        a.calendar.undo(edit)
    a.calendar.invalidate()
    assert {od.day: od.name for od in a.calendar.office_days(2026)} == {day: "国庆调休"}


def test_setting_saved_over_another_seats_change_is_refused(seats):
    a, b = seats
    b.settings.current()  # seat B read the settings
    a.settings.update({"office_name": "历城区12345热线办公室"})
    with pytest.raises(ConflictError) as e:
        b.settings.update({"office_name": "历城区热线办"})
    assert "历城区12345热线办公室" in str(e.value) and "张三" in str(e.value)
    assert b.settings.current().office_name == "历城区12345热线办公室"  # re-read after the refusal
    b.settings.update({"office_name": "历城区热线办"})
    assert a.settings.texts()["office_name"] in ("历城区12345热线办公室", "历城区热线办")


def test_roles_on_sqlite_are_refused_plainly(services, backend):
    from hotline_desktop.db import roles
    from hotline_desktop.services.errors import ServiceError

    if backend != "sqlite":
        return  # (on a server: tests/db/test_pg_roles.py)
    with pytest.raises(ServiceError, match="只用于 PostgreSQL"):
        roles.setup(services.store.engine)
