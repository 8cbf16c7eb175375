"""The request classifier (issue 12): hard facts are deterministic, content and tier are learned.

Prompts here are written for these tests: none is in the training set
(bench/classifier/train_ja.jsonl) or the shared dev set.
"""

from __future__ import annotations

# ruff: noqa: E501  (test prompts are data: one prompt per line)
import gzip
import socket
from typing import Any

import orjson
import pytest

from tenbin.privacy import DataClass, Detector, PrivacyConfig
from tenbin.privacy.normalize import normalize
from tenbin.privacy.recognizers.markers import ConfidentialMarkerRecognizer
from tenbin.routing.classifier import (
    LearnedClassifier,
    marker_is_topic,
    my_numbers,
    person_strength,
    pii_strength,
)
from tenbin.routing.linear import WEIGHTS_FILE, LinearModel
from tests.routing.conftest import RouterFactory, ctx


@pytest.fixture(scope="module")
def full() -> Detector:
    return Detector(PrivacyConfig())


@pytest.fixture(scope="module")
def clf() -> LearnedClassifier:
    return LearnedClassifier()


def label(clf: LearnedClassifier, full: Detector, text: str) -> DataClass:
    return clf.classify(text, 1, full.scan_messages([{"role": "user", "content": text}])).data_class


def markers(text: str) -> list[tuple[str, str]]:
    return [(s.label, text[s.start : s.end]) for s in ConfidentialMarkerRecognizer().find(text, normalize(text))]


# ---- markers: any width and case, ASCII inside Japanese, not inside other words ------------
@pytest.mark.parametrize("text", [
    "ＣＯＮＦＩＤＥＮＴＩＡＬ　次期の仕入計画",
    "confidential: supplier price list for 2027",
    "Ｃｏｎｆｉｄｅｎｔｉａｌ扱いの見積書です",
    "この設計書はCONFIDENTIAL指定なので扱いに注意",
    "Internal only：来期の出店候補リスト",
    "Internal Only－来期の出店候補リスト",
    "ｉｎｔｅｒｎａｌ ｏｎｌｙ 来期の出店候補リスト",
    "【社外秘】来期の出店候補リスト",
    "［関係者外秘］来期の出店候補リスト",
    "取扱注意：来期の出店候補リスト",
])
def test_markers_in_any_width_and_case_are_confidential(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert [lab for lab, _ in markers(text)] == ["CONFIDENTIAL_MARKER"]
    assert label(clf, full, text) is DataClass.CONFIDENTIAL


@pytest.mark.parametrize("text", [
    "社長秘書の一日のスケジュール例を教えて",
    "プレゼンが上手くなる秘訣は？",
    "情報セキュリティにおける機密性の意味を説明して",
    "機密保持契約という言葉の読み方は？",
    "この加湿器の取扱注意点を三つにまとめて",
    "Confidential Computingの仕組みを解説して",
    "The secret of a good risotto is patience. Translate this sentence into Japanese.",
    "Is it a secret that the office cafe closes at 3? Write a friendly reminder.",
    "We signed the NDA yesterday; what usually happens next in a vendor onboarding?",
])
def test_marker_characters_inside_other_words_are_not_markers(text: str) -> None:
    assert markers(text) == []


def test_secret_in_an_ordinary_english_sentence_is_not_confidential(
        clf: LearnedClassifier, full: Detector) -> None:
    text = "The secret to a tidy kitchen is cleaning as you go. Rewrite this tip for a blog."
    assert label(clf, full, text) < DataClass.CONFIDENTIAL


def test_internal_only_is_confidential_and_for_internal_use_is_internal() -> None:
    assert markers("Internal only") == [("CONFIDENTIAL_MARKER", "Internal only")]
    assert markers("INTERNAL USE ONLY") == [("CONFIDENTIAL_MARKER", "INTERNAL USE ONLY")]
    assert markers("for internal use") == [("INTERNAL_MARKER", "for internal use")]


def test_a_marker_named_as_the_topic_of_a_question_is_not_a_stamp(full: Detector) -> None:
    text = "「社外秘」というスタンプが押された書類は一般的にどう扱うべき？"
    start = text.index("社外秘")
    assert marker_is_topic(text, start, start + 3)
    assert not marker_is_topic("【社外秘】来期の計画をまとめて", 1, 4)
    scan = full.scan_messages([{"role": "user", "content": text}])
    assert LearnedClassifier(caution=0.6).classify(text, 1, scan).data_class < DataClass.CONFIDENTIAL
    # at full caution every marker counts, even as a topic
    assert LearnedClassifier(caution=1.0).classify(text, 1, scan).data_class is DataClass.CONFIDENTIAL


# ---- content-confidential, internal, public -----------------------------------------------
@pytest.mark.parametrize("text", [
    "まだ公表していない第3四半期の決算速報です。営業利益は前年同期比で4割減。投資家向けQ&Aの想定問答を作って。",
    "来月発表予定の業績予想の上方修正について、取締役会の説明メモを3行で要約して。",
    "株式会社ホシノ製作所の全株式を取得する交渉を進めています。社外には未発表です。統合後の組織図案を作って。",
    "当社の営業秘密として管理しているスープの配合比を、工場向けの作業指示書の形にしてください。",
    "We are about to acquire a regional bakery chain; the deal is unannounced. Draft the integration checklist.",
])
def test_confidential_by_content_without_a_marker(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert label(clf, full, text) >= DataClass.CONFIDENTIAL


@pytest.mark.parametrize("text", [
    "第2営業部の定例メモを議事録にして。受注は目標比92%、値引き申請が3件、来週までに見積の再提出。",
    "当社の店舗別の粗利率（社内集計）：上野32%、目黒28%、川崎25%。表にして。",
    "社内の請求システムでこのエラーが出ます。原因は？\nERROR InvoiceJob: connection pool exhausted (max=20)",
    "仕入先との単価交渉で、当社が譲れる上限は3%です。交渉メールの下書きを書いて。",
])
def test_internal_business_content(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert label(clf, full, text) is DataClass.INTERNAL


# Internal because it is one organisation's own operations, with no 社内 / "internal" in it.
@pytest.mark.parametrize("text", [
    "夜勤からの申し送り：冷凍機2号の霜取りが終わらず、予備の冷凍機で運用中。業者は明朝8時に来ます。→ 2行で",
    "（録音の書き起こし）えー、土曜の棚替えは9時集合で、脚立が1本足りないので誰か持ってきてください、以上です。要約して",
    "| 店舗 | 客数 | 客単価 |\n|---|---|---|\n| 北口店 | 1,204 | 812 |\n| 南口店 | 986 | 774 |\nこれ前月比も足して表にして",
    "Our refund worker crashes every night at 2 am with 'deadline exceeded' from the ledger service. What is going on?",
    "資材の仕入れ先から単価を8%上げたいと言われています。年間の発注量を約束して据え置きを頼むメールの下書きを書いて。",
])
def test_internal_by_what_the_material_is_not_by_a_word(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert label(clf, full, text) is DataClass.INTERNAL


@pytest.mark.parametrize("text", [
    "鎌倉幕府が成立した年には諸説あります。主な説を二つ挙げて。",
    "Explain the difference between a list and a tuple in Python.",
    "既に公表されている決算短信の数値（売上高120億円、前期比5%増）を使って、個人投資家向けの説明を書いて。",
])
def test_public_content(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert label(clf, full, text) is DataClass.PUBLIC


@pytest.mark.parametrize("text", [
    "冷凍機の霜取り運転って、一般的にどういう仕組みで動いているの？",
    "統計の授業の例題です。架空の店舗A・Bの客数（A 1,200人、B 950人）の差を検定する方法を説明して。",
])
def test_specifics_in_general_or_exercise_material_stay_public(clf: LearnedClassifier, full: Detector, text: str) -> None:
    assert label(clf, full, text) is DataClass.PUBLIC


@pytest.mark.parametrize("text", [
    "We are considering a merger with a regional rival next spring. Draft the board memo outline.",
    "来期に予定している同業他社の子会社化について、統合準備チームの役割分担表を作って。",
])
def test_a_deal_still_being_planned_is_confidential(text: str) -> None:
    c = LearnedClassifier().classify(text, 1, None)
    assert c.data_class is DataClass.CONFIDENTIAL and "cue:deal_planned" in c.reasons


def test_wanting_to_announce_is_not_having_announced() -> None:
    """発表したい (wants to announce) is not 発表した (announced): the unfiled invention stays a fact."""
    c = LearnedClassifier().classify("出願前の発明について、来月の学会で発表したいという声があります。進め方を整理して。", 1, None)
    assert "cue:unfiled" in c.reasons


# ---- personal data: graded facts ------------------------------------------------------------
def test_pii_strength_grades() -> None:
    assert pii_strength("MY_NUMBER", "123456789018") == "strong"
    assert pii_strength("CORPORATE_NUMBER", "1234567890123") == "none"  # a company, not a person
    assert pii_strength("PHONE", "090-1111-2222") == "strong"
    assert pii_strength("PHONE", "０８０－１１１１－２２２２") == "strong"
    assert pii_strength("PHONE", "0120-123-456") == "none"
    assert pii_strength("PHONE", "03-1234-5678") == "weak"
    assert pii_strength("EMAIL", "info@example.co.jp") == "weak"
    assert pii_strength("EMAIL", "hana.k77@gmail.com") == "strong"
    assert pii_strength("IP_ADDRESS", "10.1.2.3") == "none"
    assert pii_strength("IP_ADDRESS", "203.0.113.9") == "weak"


def test_person_strength_grades() -> None:
    assert person_strength("いとの", "請求書が届かないとの連絡", 6) == "none"  # a verb the recognizer misread
    assert person_strength("大島 美和", "大島 美和さん", 0) == "full"
    assert person_strength("Kazuo Ando", "Kazuo Ando", 0) == "full"
    assert person_strength("大島", "大島様から電話", 0) == "full"
    assert person_strength("Oshima", "Dear Ms. Oshima,", 9) == "full"
    assert person_strength("大島", "（担当：大島）", 4) == "weak"


def test_a_mobile_number_alone_is_personal_a_toll_free_number_is_not(
        clf: LearnedClassifier, full: Detector) -> None:
    assert label(clf, full, "この番号 070-3141-5926 に折り返すメールを書いて") is DataClass.PERSONAL
    assert label(clf, full, "お客様窓口 0120-333-444 の案内文を英訳して") < DataClass.PERSONAL


def test_a_twelve_digit_number_is_personal_only_with_a_valid_my_number_check_digit(
        clf: LearnedClassifier) -> None:
    valid, invalid = "123456789018", "123456789012"
    assert my_numbers(f"番号 {valid}") == 1 and my_numbers(f"番号 {invalid}") == 0
    assert my_numbers("1234 5678 9018") == 1
    assert clf.classify(f"検証用の番号 {valid} の形式をチェックする関数を書いて", 1, None).data_class is DataClass.PERSONAL
    assert clf.classify(f"注文番号 {invalid} の配送状況の問い合わせに返信して", 1, None).data_class < DataClass.PERSONAL


def test_a_name_with_facts_about_the_person_is_personal_and_marked_personal_outranks_confidential(
        clf: LearnedClassifier, full: Detector) -> None:
    assert label(clf, full, "大島 美和さんの今期の評価はB、賞与は前年比で減額です。面談メモを整えて。") is DataClass.PERSONAL
    assert label(clf, full, "【社外秘】大島 美和さんの降格案について、人事部長向けに要点をまとめて。") is DataClass.PERSONAL


def test_a_company_contact_block_is_not_personal(clf: LearnedClassifier, full: Detector) -> None:
    text = "当社ウェブサイトの会社概要：株式会社ミナトパック 法人番号 7010001008844 代表 03-5555-0100。JSONにして"
    scan = full.scan_messages([{"role": "user", "content": text}])
    assert {f.label for f in scan.findings} & {"CORPORATE_NUMBER", "PHONE"}
    assert clf.classify(text, 1, scan).data_class < DataClass.PERSONAL


# ---- tiers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "tier"), [
    ("次の文章を英語に訳して。「来週の打ち合わせは水曜の午後に変更になりました。」", "light"),
    ("以下の問い合わせ一覧を「配送」「返品」「その他」に分類して。\n1. 届かない\n2. サイズ交換したい\n3. 領収書がほしい", "light"),
    ("次のメモから、取引先向けの訪問報告書（目的、内容、次のアクション）を作成して。\n・新製品の説明\n・価格は持ち帰り", "standard"),
    ("PostgreSQLで、月ごとの注文件数を数えるSQLを書いて。テーブルは orders(id, created_at)。", "standard"),
    ("退職した営業担当者が顧客リストを持ち出した疑いがあります。不正競争防止法上の営業秘密に当たるか、"
     "取りうる法的措置とそのリスクを比較して、初動の優先順位を決めてください。", "frontier"),
    ("ざっくりでいいので、3拠点の工場をどう統廃合すべきか、需要見通しと固定費と人員の制約を踏まえて方針を出して。", "frontier"),
])
def test_tiers_follow_the_task(clf: LearnedClassifier, text: str, tier: str) -> None:
    assert clf.classify(text, 1, None).tier == tier


def test_the_threshold_moves_the_tier_cut() -> None:
    text = "このメモから会議の議事録を作成して。\n・来月の展示会の準備\n・担当の割り振り"
    low, high = LearnedClassifier(threshold=0.05), LearnedClassifier(threshold=0.95)
    assert low.classify(text, 1, None).tier == "frontier"
    assert high.classify(text, 1, None).tier != "frontier"


# ---- the safety knob ------------------------------------------------------------------------
def test_caution_only_ever_adds_sensitive_labels(full: Detector) -> None:
    texts = ["（担当：大島）来週の展示会のブース配置案をまとめて", "来期の販売計画の数字を表にして。売上8億円、粗利2億円",
             "お客様窓口 03-5555-0199 への案内文を作って", "The secret sauce of our onboarding is pairing. Summarize."]
    scans = [full.scan_messages([{"role": "user", "content": t}]) for t in texts]

    def sensitive(caution: float) -> int:
        c = LearnedClassifier(caution=caution)
        return sum(c.classify(t, 1, s).data_class >= DataClass.CONFIDENTIAL for t, s in zip(texts, scans, strict=True))

    counts = [sensitive(x) for x in (0.0, 0.3, 0.6, 0.8, 1.0)]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    with pytest.raises(ValueError):
        LearnedClassifier(caution=1.5)


# ---- wiring: router, config, trace, header ---------------------------------------------------
def test_router_uses_the_classifier_and_explains_it(make_router: RouterFactory, full: Detector) -> None:
    text = "まだ公表していない買収計画について、社内説明の骨子を作って"
    scan = full.scan_messages([{"role": "user", "content": text}])
    r = make_router()
    trace: dict[str, Any] = {}
    d = r.decide(ctx(text, model="tenbin/auto"), scan, explain=True, trace=trace)
    assert trace["data_class"] == "confidential"
    assert {"cue:undisclosed", "content:confidential"} & set(trace["classifier"]["reasons"])
    assert set(trace["classifier"]["p"]) == {"public", "internal", "confidential", "personal"}
    assert "class=confidential" in d.header()
    # not explaining: the reasons only (the ledger trace stays small)
    d = r.decide(ctx(text, model="tenbin/auto"), scan)
    assert set(d.trace["classifier"]) == {"reasons"}


def test_keywords_engine_is_the_old_behaviour(make_router: RouterFactory, full: Detector) -> None:
    text = "まだ公表していない買収計画について、社内説明の骨子を作って"
    scan = full.scan_messages([{"role": "user", "content": text}])
    d = make_router({"classifier": {"engine": "keywords"}}).decide(ctx(text), scan)
    assert d.trace["data_class"] == "public" and "classifier" not in d.trace


def test_unscanned_requests_keep_the_assumed_class(make_router: RouterFactory) -> None:
    d = make_router().decide(ctx("来週の天気は？"), None)
    assert d.trace["data_class"] == "unscanned:personal"


def test_classifier_setting_is_validated(make_router: RouterFactory) -> None:
    with pytest.raises(Exception, match="caution"):
        make_router({"classifier": {"caution": 2}})
    with pytest.raises(Exception, match="engine"):
        make_router({"classifier": {"engine": "bert"}})


# ---- the weights ship in the package and load with no network ------------------------------
def test_weights_load_from_the_package_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*a: Any, **kw: Any) -> None:
        raise AssertionError("the classifier tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    model = LinearModel.load()
    assert len(model.weights) > 1000 and len(model.bias) == 7
    assert model.meta["classes"] == ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "PERSONAL"]
    assert LearnedClassifier(model=model).classify("要約して", 1, None).tier == "light"


def test_weights_file_is_small_and_well_formed() -> None:
    from importlib import resources

    blob = resources.files("tenbin.routing").joinpath(WEIGHTS_FILE).read_bytes()
    assert len(blob) < 512 * 1024
    raw = orjson.loads(gzip.decompress(blob))
    assert all(len(v) == 7 for v in raw["w"].values())


def test_a_mobile_number_counts_even_after_a_number_label(clf: LearnedClassifier) -> None:
    from tenbin.routing.classifier import mobile_numbers

    assert mobile_numbers("この番号 090-4455-6677 に折り返して") == 1
    assert mobile_numbers("+81 80 1234 5678") == 1
    assert mobile_numbers("注文番号 0901234567812") == 0  # a longer run is not a phone number
    assert clf.classify("この番号 090-4455-6677 に折り返すよう伝えて", 1, None).data_class is DataClass.PERSONAL


@pytest.mark.parametrize(("text", "cue"), [
    ("未出願のアイデア（温度で色が変わる梱包材）を社内コンテストに出す資料にまとめて", "cue:unfiled"),
    ("門外不出の調合表を見やすい表にして：A 40%、B 35%、C 25%", "cue:trade_secret"),
    ("公表前の事業売却について、社員説明会の想定問答を作って", "cue:undisclosed"),
])
def test_content_cues_the_rules_name_are_facts_from_caution_half(text: str, cue: str) -> None:
    c = LearnedClassifier(caution=0.6).classify(text, 1, None)
    assert c.data_class >= DataClass.CONFIDENTIAL and cue in c.reasons
    assert cue not in LearnedClassifier(caution=0.3).classify(text, 1, None).reasons


def test_content_cues_in_a_general_question_are_not_facts() -> None:
    c = LearnedClassifier().classify("営業秘密とは一般的にどういう情報を指しますか？", 1, None)
    assert not any(r.startswith("cue:") for r in c.reasons)
