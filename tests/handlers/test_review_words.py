"""The review reads in the tipster's language down to its punctuation."""

from __future__ import annotations

import re


def test_a_chinese_review_reads_with_chinese_punctuation(tipster):
    tipster.says("你好")
    tipster.taps("我看到一个可能被拐的孩子")
    tipster.taps("继续")
    tipster.says("东莞市长安镇汽车站附近")
    tipster.says("3天前")
    tipster.taps("不确定")
    tipster.taps("女孩")
    tipster.says("3")
    for _ in range(4):
        tipster.says("/skip")
    tipster.taps("四川话 / 西南官话")
    tipster.taps("是的，不一样")
    tipster.taps("说想回家，或提到在别处的父母")
    tipster.taps("看起来害怕身边的大人")
    tipster.taps("完成")
    tipster.says("/skip")
    tipster.taps("完成")
    tipster.taps("保持匿名")
    assert tipster.step == "review"

    review = tipster.text
    assert "• 地点：东莞市长安镇汽车站附近（广东 东莞市）" in review
    assert "说想回家，或提到在别处的父母；看起来害怕身边的大人" in review
    assert re.findall(r"[:;(]", review) == [], review
