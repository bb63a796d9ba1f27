from ingest.normalize import normalize
from ingest.sections import find_headings, in_order


def test_inline_headings_of_crawler_text():
    text = normalize(
        "…12月31日。一、总体情况 2024年…二、主动公开政府信息情况第二十条…"
        "三、收到和处理政府信息公开申请情况…四、结转下年度继续办理0000000"
        "四、政府信息公开行政复议、行政诉讼情况…五、存在的主要问题及改进情况…"
        "六、其他需要报告的事项 无"
    )
    found = find_headings(text)
    assert list(found) == ["一", "二", "三", "四", "五", "六"]
    assert "行政复议" in found["四"].text  # the 表三 row 四、结转… is not the heading
    assert in_order(found)


def test_word_auto_numbering_and_variants():
    text = normalize(
        "1、总体情况\n2、主动公开政府信息情况\n3、收到和处理政府信息公开申请情况\n"
        "4、因政府信息公开工作被申请行政复议提起行政诉讼情况\n"
        "5、存在的主要问题及明年工作计划\n6、需要说明的其他事项与附表"
    )
    assert list(find_headings(text)) == ["一", "二", "三", "四", "五", "六"]


def test_glued_table_digits_do_not_make_headings():
    text = normalize("00000002.其他法律行政法规禁止公开")
    assert "二" not in find_headings(text)


def test_missing_and_out_of_order():
    text = normalize(
        "一、总体情况 … 三、收到和处理政府信息公开申请情况 … 二、主动公开政府信息情况 …"
    )
    found = find_headings(text)
    assert set(found) == {"一", "二", "三"}
    assert not in_order(found)
