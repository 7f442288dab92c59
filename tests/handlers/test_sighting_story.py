"""A tipster reports a sighting from start to finish, in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage import Attachment, OutboxItem, Report, ReportEvent
from storage.locations import open_point
from tests.stories import Tipster


def report_a_sighting_in_chinese(
    tipster: Tipster, names_used: str = "小宝、狗娃", names_given: str = "李勇"
) -> None:
    tipster.says("你好")
    tipster.taps("我看到一个可能被拐的孩子")
    assert "110" in tipster.text and "不要当面质问" in tipster.text
    tipster.taps("继续")
    tipster.says("四川省成都市火车北站附近的小卖部")
    tipster.says("昨天下午三点")
    tipster.taps("孩子住在附近")
    tipster.taps("男孩")
    tipster.says("五六岁")
    tipster.says("很瘦，左脸有一块胎记")
    tipster.says(names_used)
    tipster.says(names_given)
    tipster.says("他说家在河南，想回家找妈妈")
    tipster.taps("粤语（广东话）")
    tipster.taps("是的，不一样")
    tipster.taps("说想回家，或提到在别处的父母")
    tipster.taps("看起来害怕身边的大人")
    tipster.says("晚上还在街上卖花")
    tipster.taps("完成")
    tipster.says("一男一女，自称是爸爸妈妈，开白色面包车")
    tipster.sends_photo("photo-abc")
    tipster.taps("完成")
    tipster.taps("留下电话号码")
    tipster.says("138 0013 8000")


def test_a_sighting_is_reported_in_chinese_and_queued_once(tipster, engine, cipher, queue):
    report_a_sighting_in_chinese(tipster)
    assert tipster.step == "review"
    summary = tipster.question.text
    for fragment in ("成都", "小宝、狗娃", "李勇", "胎记", "粤语", "+86 138****8000"):
        assert fragment in summary
    assert "13800138000" not in summary

    tipster.taps("提交")

    assert "报告编号" in tipster.text and "密码" in tipster.text
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
        assert report.ref in tipster.text
        pin = tipster.text.split("密码：")[1].split()[0]
        assert cipher.verify_pin(pin, report.pin_hash)
        assert report.kind == "sighting" and report.language == "zh_CN"
        assert report.province == "四川" and report.city == "成都市"
        assert report.names_used == ["小宝", "狗娃"]
        assert report.names_given == ["李勇"]
        assert report.child_said == "他说家在河南，想回家找妈妈"
        assert report.dialect == "cantonese" and "广东" in report.candidate_provinces
        assert report.dialect_differs == "yes"
        assert report.signs == ["wants_home", "afraid"] and report.signs_text == "晚上还在街上卖花"
        assert (report.child_sex, report.child_age_min, report.child_age_max) == ("boy", 5, 6)
        assert report.presence == "lives_nearby"
        assert report.seen_text == "昨天下午三点" and report.seen_on is not None
        seen = report.seen_on.astimezone(ZoneInfo("Asia/Shanghai"))
        assert (seen.hour, seen.minute) == (15, 0)
        assert timedelta(0) < report.created_at - report.seen_on < timedelta(days=2)
        assert cipher.decrypt(report.contact_phone) == "+8613800138000"
        assert report.tipster_ref and cipher.decrypt(report.tipster_ref) == tipster.user_id
        assert session.exec(select(Attachment)).one().channel_ref == "photo-abc"
        assert [i.status for i in session.exec(select(OutboxItem))] == ["enqueued", "enqueued"]
        assert [e.action for e in session.exec(select(ReportEvent))] == ["submitted"]
    assert queue.job_ids == [f"follow-up-{report.id}", f"assess-{report.id}"]


def test_an_english_tipster_reports_anonymously_with_a_location_pin(
    english_tipster, engine, cipher
):
    tipster = english_tipster
    tipster.says("/start")
    assert tipster.step == "kind"
    tipster.taps("I saw a child who may have been taken")
    tipster.taps("Continue")
    tipster.sends_location(30.6586, 104.0648)
    tipster.taps("Today")
    tipster.taps("I saw the child only once")
    tipster.taps("Girl")
    tipster.taps("Not sure")
    for _ in range(4):
        tipster.says("/skip")
    assert tipster.step == "dialect"
    tipster.says("she spoke Hokkien")
    tipster.taps("Not sure")
    tipster.says("2 4")
    tipster.taps("Done")
    tipster.says("/skip")
    tipster.says("/skip")
    tipster.taps("Stay anonymous")
    assert tipster.step == "review"
    assert "location pin near 30.66, 104.06" in tipster.question.text
    tipster.taps("Submit")
    assert "Reference code: HW-" in tipster.text
    with Session(engine) as session:
        report = session.exec(select(Report)).one()
    assert report.contact_phone is None
    # The exact point (where the tipster may stand) only encrypted; a ~1 km cell in the clear.
    assert (report.latitude, report.longitude) == (30.66, 104.06) and report.province == "四川"
    assert open_point(cipher, report.exact_location) == (30.6586, 104.0648)
    assert "30.6586" not in report.model_dump_json() and "104.0648" not in report.model_dump_json()
    assert report.dialect == "minnan" and report.dialect_text == "she spoke Hokkien"
    assert report.signs == ["afraid", "begging_working"]
    assert report.child_age_min is None and report.child_sex == "girl"
    assert report.names_used == [] and report.child_description is None


def test_choices_can_be_typed_as_numbers_or_words(tipster):
    tipster.says("/start")
    tipster.says("1")
    assert tipster.step == "safety"
    tipster.says("继续")
    assert tipster.step == "where"
