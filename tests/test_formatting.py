"""Dates (Western, era, English), yen, names, nationalities and immigration bureaus."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.context import formatting as f
from pipeline.context.era import format_era
from pipeline.context.labels import label
from pipeline.records.models import PersonName
from pipeline.records.places import prefectures


@pytest.mark.parametrize("d, era", [
    (date(2026, 7, 1), "令和8年7月1日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 8), "平成元年1月8日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1926, 12, 25), "昭和元年12月25日"),
    (date(1926, 12, 24), "大正15年12月24日"),
    (date(1912, 7, 30), "大正元年7月30日"),
    (date(1912, 7, 29), "明治45年7月29日"),
    (date(2024, 2, 29), "令和6年2月29日"),
])
def test_era_boundaries(d, era):
    assert format_era(d) == era


def test_era_before_gregorian_adoption():
    with pytest.raises(ValueError):
        format_era(date(1872, 12, 31))


def test_western_dates():
    d = date(2026, 7, 1)
    assert f.date_ja(d) == "2026年7月1日"
    assert f.date_en(d) == "July 1, 2026"
    assert f.format_date(d, "ja", "era") == "令和8年7月1日"
    assert f.format_date(d, "ja", "western") == "2026年7月1日"
    assert f.format_date(d, "en", "era") == "July 1, 2026"


def test_yen():
    assert f.yen(300000, "ja") == "300,000円"
    assert f.yen(300000, "en") == "¥300,000"
    assert f.yen(0, "ja") == "0円"


def test_names():
    vn = PersonName(family="NGUYEN", given="Thi Lan", family_ja="グエン", given_ja="ティ ラン")
    assert f.name_western(vn) == f.name_roman(vn) == "NGUYEN Thi Lan"  # as in the passport, everywhere
    assert f.name_roman(PersonName(family="Nguyễn", given="Thị Lan")) == "NGUYỄN Thị Lan"
    assert f.name_ja(vn) == "グエン ティ ラン"
    assert f.name_ja(PersonName(family="SHARMA", given="Priya")) == "SHARMA Priya"
    assert f.name_western(PersonName(family="SUKARNO")) == "SUKARNO"
    assert f.name_ja(PersonName(family="TAKAHASHI", given="Kenta", family_ja="髙橋", given_ja="健太")) == "髙橋 健太"


@pytest.mark.parametrize(("code", "ja", "en"), [
    ("KR", "大韓民国", "Republic of Korea"), ("KP", "北朝鮮", "North Korea"), ("TW", "台湾", "Taiwan"),
    ("CN", "中国", "China"), ("VN", "ベトナム", "Viet Nam"), ("US", "アメリカ合衆国", "United States of America"),
    ("GB", "英国", "United Kingdom"), ("RU", "ロシア", "Russia"), ("HK", "香港", "Hong Kong"),
    ("IN", "インド", "India"), ("TR", "トルコ", "Türkiye"),  # Babel's names where they agree
])
def test_country_names_as_the_japanese_government_writes_them(code, ja, en):
    assert (f.nationality(code, "ja"), f.nationality(code, "en")) == (ja, en)


def test_birth_dates_western_for_foreign_nationals():
    from datetime import date
    d = date(1996, 4, 12)
    assert f.birth_date(d, "VN", "ja", "era") == "1996年4月12日"
    assert f.birth_date(d, "JP", "ja", "era") == "平成8年4月12日"
    assert f.birth_date(d, "JP", "ja", "western") == "1996年4月12日"
    assert f.birth_date(d, "VN", "en") == "April 12, 1996"


def test_nationality_names():
    assert f.nationality("VN", "ja") == "ベトナム"
    assert f.nationality("VN", "en") == "Viet Nam"
    assert f.nationality("NO", "en") == "Norway"
    assert f.nationality("JP", "ja") == "日本"


BUREAU_OF = {
    "札幌出入国在留管理局": ["Hokkaido"],
    "仙台出入国在留管理局": ["Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima"],
    "東京出入国在留管理局": ["Ibaraki", "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Niigata",
                           "Yamanashi", "Nagano"],
    "東京出入国在留管理局 横浜支局": ["Kanagawa"],
    "名古屋出入国在留管理局": ["Toyama", "Ishikawa", "Fukui", "Gifu", "Shizuoka", "Aichi", "Mie"],
    "大阪出入国在留管理局": ["Shiga", "Kyoto", "Osaka", "Nara", "Wakayama"],
    "大阪出入国在留管理局 神戸支局": ["Hyogo"],
    "広島出入国在留管理局": ["Tottori", "Shimane", "Okayama", "Hiroshima", "Yamaguchi"],
    "高松出入国在留管理局": ["Tokushima", "Kagawa", "Ehime", "Kochi"],
    "福岡出入国在留管理局": ["Fukuoka", "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima"],
    "福岡出入国在留管理局 那覇支局": ["Okinawa"],
}


@pytest.mark.parametrize("pref", sorted(prefectures()))
def test_bureau_of_every_prefecture(pref):
    expected = next(b for b, prefs in BUREAU_OF.items() if pref in prefs)
    assert f.bureau(pref, "ja") == expected
    assert "Immigration Services" in f.bureau(pref, "en")


def test_all_47_prefectures_served_once():
    served = [p for prefs in BUREAU_OF.values() for p in prefs]
    assert len(served) == 47 and set(served) == set(prefectures())
    assert f.prefecture("Tokyo", "ja") == "東京都" and f.prefecture("Hokkaido", "ja") == "北海道"


def test_labels_in_both_languages():
    assert label("name", "ja") == "氏名"
    assert label("name", "en") == "Name"
    assert label("name", "ja+en") == "氏名 / Name"
