"""红黑榜 rule: five and five, ties at the cut all listed and explained, each unit once."""

from decimal import Decimal

from hotline_desktop.core.boards import BoardEntry, build_boards


def entries(scores, group="g"):
    """Competition ranks on the given scores (already rounded)."""
    ordered = sorted(enumerate(scores), key=lambda p: -p[1])
    out = []
    for idx, sc in ordered:
        rank = next(j for j, (_k, s) in enumerate(ordered) if s == sc) + 1
        tied = sum(1 for _k, s in ordered if s == sc) > 1
        out.append(BoardEntry(group, f"U{idx:02d}", f"单位{idx}", Decimal(sc), rank,
                              f"{rank}（并列）" if tied else str(rank)))
    return out


def test_twenty_tied_at_100_are_all_on_the_red_board_and_the_board_says_so():
    (b,) = build_boards(entries([100] * 20), {"g": "社区"})
    assert len(b.red) == 20 and b.black == ()
    assert any("第 1 名有 20 个单位并列（100.00 分）" in n for n in b.notes)
    assert any("黑榜空缺" in n for n in b.notes)


def test_plain_five_and_five():
    (b,) = build_boards(entries(list(range(100, 80, -1))), {"g": "社区"})
    assert [r.code for r in b.red] == ["U00", "U01", "U02", "U03", "U04"]
    assert [r.code for r in b.black] == ["U19", "U18", "U17", "U16", "U15"]
    assert [r.position for r in b.black] == [1, 2, 3, 4, 5]
    assert b.notes == ()


def test_ties_at_the_black_cut_are_all_included():
    scores = [100, 99, 98, 97, 96, 95, 94, 93, 90, 90, 90, 80, 70, 60]
    (b,) = build_boards(entries(scores), {"g": "乡镇"})
    assert len(b.red) == 5
    assert [r.score for r in b.black] == [Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(90), Decimal(90)]
    assert any("倒数第 5 位处有 3 个单位并列（90.00 分）" in n for n in b.notes)


def test_ties_at_the_red_cut_and_a_short_rest():
    scores = [100, 99, 98, 97, 96, 96, 96, 50]
    (b,) = build_boards(entries(scores), {"g": "科室"}, not_ranked={"g": 2})
    assert len(b.red) == 7 and [r.code for r in b.black] == ["U07"]
    codes = [r.code for r in b.rows]
    assert len(codes) == len(set(codes))  # each unit once
    text = " ".join(b.notes)
    assert "第 5 名有 3 个单位并列" in text and "红榜以外只有 1 个" in text and "另有 2 个单位" in text


def test_empty_group_says_so():
    (b,) = build_boards([], {"g": "社区"}, not_ranked={"g": 3})
    assert b.rows == () and "没有参与排名的单位" in b.notes[0] and "另有 3 个单位" in b.notes[1]
