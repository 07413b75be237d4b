"""SettingsService: stored in the database, validated whole, audited, survives reopening."""

from datetime import time

import pytest

from hotline_desktop.db.repositories import AuditRepository, MetaRepository
from hotline_desktop.services.app import AppServices
from hotline_desktop.services.errors import ValidationFailed


def test_defaults_without_any_stored_value(services):
    st = services.settings
    assert (st.notice_prefix, st.office_name, st.escalation_workdays, st.kb_feedback_workdays) == (
        "督", "区政府热线办", 3, 5)
    assert st.office_hours == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))


def test_update_is_stored_audited_and_announced(services, paths):
    events = []
    services.settings.changed.connect(lambda s, names: events.append(names))
    changes = services.settings.update({"office_name": "赣县区政府热线办", "escalation_workdays": "4",
                                        "notice_prefix": "督"})
    assert changes == {"office_name": ("区政府热线办", "赣县区政府热线办"), "escalation_workdays": ("3", "4")}
    assert events == [["office_name", "escalation_workdays"]]
    with services.store.session() as s:
        audit = {(e.field, e.old_value, e.new_value) for e in AuditRepository(s).recent(table="app_meta")}
    assert ("setting.office_name", None, "赣县区政府热线办") in audit
    services.close()
    again = AppServices.open(paths)
    try:
        assert again.settings.office_name == "赣县区政府热线办"
        assert again.settings.escalation_workdays == 4
    finally:
        again.close()


def test_one_bad_value_refuses_the_whole_update(services):
    with pytest.raises(ValidationFailed) as e:
        services.settings.update({"office_name": "新名称", "kb_feedback_workdays": "99"})
    assert "知识库纠错反馈期限应在 1–60 个工作日之间" in str(e.value)
    assert services.settings.office_name == "区政府热线办"
    with services.store.session() as s:
        assert MetaRepository(s).get("setting.office_name") is None


def test_a_corrupt_stored_value_falls_back_to_its_default(services):
    with services.store.session() as s:
        MetaRepository(s).set("setting.escalation_workdays", "abc")
        MetaRepository(s).set("setting.office_name", "某区热线办")
    services.settings.invalidate()
    assert services.settings.escalation_workdays == 3
    assert services.settings.office_name == "某区热线办"
