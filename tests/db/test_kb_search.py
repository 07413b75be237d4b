"""知识库 full-text search: FTS5 trigram kept in sync by the store, LIKE for 1–2 characters,
FTS syntax searched as plain text."""

import sqlite3

import pytest

from hotline_desktop.core.domain import UnitDraft
from hotline_desktop.core.kb import Content


@pytest.fixture
def kbs(services):
    services.units.create(UnitDraft(code="D01", name="区民政局", kind="department"))
    services.units.create(UnitDraft(code="D02", name="区医疗保障局", kind="department"))
    k = services.kb
    ids = {}
    ids["dibao"] = k.create("D01", "社会民生", "一问一答", Content(
        "城乡居民最低生活保障的申请条件是什么？", "户籍在本区、家庭人均收入低于低保标准的居民可以申请。",
        "关于规范最低生活保障工作的通知", "历民发〔2026〕3号")).entry_id
    ids["yibao"] = k.create("D02", "通知公告", "一问一答", Content(
        "城乡居民医保集中缴费期是什么时候？", "集中缴费期为9月1日至12月31日，可通过APP缴纳。", "", "")).entry_id
    ids["syntax"] = k.create("D02", "热点问题", "其他", Content(
        'NEAR 与 "引号" 和 a*b - c', "含有 FTS 语法字符的条目", "", "")).entry_id
    return k, ids


def hits(k, q):
    return [h.row.id for h in k.search(q)]


def test_finds_two_three_and_eight_character_chinese_substrings(kbs):
    k, ids = kbs
    assert hits(k, "低保") == [ids["dibao"]]  # 2 characters: LIKE scan
    assert hits(k, "缴费期") == [ids["yibao"]]  # 3: trigram
    assert hits(k, "家庭人均收入低于") == [ids["dibao"]]  # 8
    assert set(hits(k, "城乡居民")) == {ids["dibao"], ids["yibao"]}
    assert hits(k, "民") and hits(k, "历民发") == [ids["dibao"]]  # basis (文号) is searched too


def test_best_match_first_and_spans_mark_the_match(kbs):
    k, ids = kbs
    found = k.search("最低生活保障")
    assert found[0].row.id == ids["dibao"]
    h = found[0]
    assert h.row.question[h.question_spans[0][0]:h.question_spans[0][1]] == "最低生活保障"
    assert h.basis_spans  # the basis name contains it too


@pytest.mark.parametrize("q", ['"', '""', '"引号"', "a*b", "*", "NEAR", "NEAR(", "- c", "-", "AND OR NOT", "'", "(", ":"])
def test_fts_syntax_is_plain_text_never_an_error(kbs, q):
    k, ids = kbs
    found = hits(k, q)
    if q.strip() in ('"引号"', "a*b", "NEAR", "- c", "-", "*", '"'):
        assert found == [ids["syntax"]]
    else:
        assert isinstance(found, list)


def test_like_fallback_escapes_wildcards(kbs):
    k, _ids = kbs
    assert hits(k, "%") == [] and hits(k, "_") == []


def test_index_follows_edits_revisions_and_deletes(services, kbs):
    k, ids = kbs
    e = k.edit(ids["yibao"], Content("城乡居民医保集中缴费期是什么时候？", "缴费期改为10月1日起。", "", ""))
    assert hits(k, "9月1日至") == [] and hits(k, "10月1日起") == [ids["yibao"]]
    k.undo(e)
    assert hits(k, "9月1日至") == [ids["yibao"]] and hits(k, "10月1日起") == []
    if services.store.on_server:
        return  # no index table to keep in sync there: ILIKE reads the versions themselves
    con = sqlite3.connect(services.paths.database)
    n_fts = con.execute("SELECT count(*) FROM kb_fts").fetchone()[0]
    n_ver = con.execute("SELECT count(*) FROM kb_versions").fetchone()[0]
    assert n_fts == n_ver == 3
    con.close()


def test_superseded_text_is_not_found_but_the_published_one_is(kbs):
    from datetime import date

    from hotline_desktop.core.kb import CheckResult

    k, ids = kbs
    eid = ids["dibao"]
    k.review(eid, [CheckResult(i, True) for i in range(1, 5)], date(2026, 3, 1))
    k.publish(eid, date(2026, 3, 2))
    k.revise(eid)
    k.edit(eid, Content("城乡居民最低生活保障的申请条件是什么？", "新规定：共同生活家庭成员人均收入低于标准即可申请。",
                        "关于规范最低生活保障工作的通知", "历民发〔2026〕9号"))
    assert hits(k, "家庭人均收入低于") == [eid]  # published v1 still visible
    assert hits(k, "共同生活家庭成员") == [eid]  # the revision in progress
    k.review(eid, [CheckResult(i, True) for i in range(1, 5)], date(2026, 5, 1))
    k.publish(eid, date(2026, 5, 2))
    assert hits(k, "家庭人均收入低于") == []
    assert hits(k, "共同生活家庭成员") == [eid]


def test_bulk_import_and_its_undo_keep_the_index_in_sync(services, kbs):
    k, ids = kbs
    uid = services.units.list()[0].id
    drafts = [(uid, "政策法规", "qa", Content(f"批量问题第{i}号？", f"批量答案甲乙丙{i}。")) for i in range(80)]
    edit = k.insert_imported(drafts)
    assert len(hits(k, "批量答案甲乙丙")) == 80 and hits(k, "批量答案甲乙丙79") == [edit.entry_ids[-1]]
    assert hits(k, "批量") and len(hits(k, "批量")) == 80  # LIKE path

    def counts():
        if services.store.on_server:  # no kb_fts there: the versions are searched themselves
            from sqlalchemy import text

            with services.store.session() as s:
                n = s.execute(text("SELECT count(*) FROM kb_versions")).scalar()
            return n, n, 0
        con = sqlite3.connect(services.paths.database)
        try:
            return (con.execute("SELECT count(*) FROM kb_fts").fetchone()[0],
                    con.execute("SELECT count(*) FROM kb_versions").fetchone()[0],
                    con.execute("SELECT count(*) FROM app_meta WHERE key = 'kb_fts_deferred'").fetchone()[0])
        finally:
            con.close()

    assert counts() == (83, 83, 0)
    k.undo(edit)
    assert hits(k, "批量答案甲乙丙") == [] and counts() == (3, 3, 0)
    k.redo(edit)
    assert len(hits(k, "批量答案甲乙丙")) == 80 and counts() == (83, 83, 0)
    k.edit(edit.entry_ids[0], Content("批量问题第0号？", "改过的答案丁戊己。"))  # triggers work again
    assert hits(k, "丁戊己") == [edit.entry_ids[0]]
