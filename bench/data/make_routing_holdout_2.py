"""Write bench/data/routing_holdout_2.jsonl: a second held-out set for the request classifier.

    .venv/bin/python bench/data/make_routing_holdout_2.py

Written after the classifier was frozen again at d738611 (holdout_1 had been looked at by then),
labelled by request_labels_ja.md before scoring. Domains and styles not used in the training set
or in holdout_1: a sake brewery, a theatre company, airport ground handling, a pet clinic, a cram
school, a wedding hall, a taxi company, a solar installer, an architecture office, a museum;
voice-memo transcripts, terse imperative lines, polite keigo requests, English with Japanese
terms. First score: routing_holdout_2.first_score.txt.
"""

from __future__ import annotations

# ruff: noqa: E501  (the prompts are data)
import random
from pathlib import Path

from routing_sets import my_number, write_set

OUT = Path(__file__).with_name("routing_holdout_2.jsonl")


MN = [my_number(random.Random(8086)) for _ in range(2)]

ROWS: list[tuple[str, str, str]] = [
    # PUBLIC
    ("PUBLIC", "light", "日本酒の「吟醸」と「大吟醸」の違いを一文で。"),
    ("PUBLIC", "light", "Translate to Japanese: \"Please keep your boarding pass until you reach your final destination.\""),
    ("PUBLIC", "light", "博物館の公式サイトの開館カレンダー（月曜休館、祝日の場合は翌日休館、年末年始休館）を箇条書きに整えて。"),
    ("PUBLIC", "light", "次の動物を哺乳類・鳥類・爬虫類に分けて：ペンギン、イグアナ、コウモリ、ワニ、クジラ"),
    ("PUBLIC", "light", "夏目漱石が生まれた年は？"),
    ("PUBLIC", "standard", "塾の中学生向けに、二次方程式の解の公式をどう導くか、途中式つきで丁寧に説明して。"),
    ("PUBLIC", "standard", "太陽光発電のパワーコンディショナーって何をする機械？一般の人向けに説明して。"),
    ("PUBLIC", "standard", "Write a SQL query (generic, any database) that returns the second highest salary from a table employees(salary)."),
    ("PUBLIC", "standard", "「取扱注意」って荷札に書いてあるけど、宅配便ではどういう扱いになるの？一般的な話として教えて。"),
    ("PUBLIC", "standard", "既に発表された航空会社2社の定時運航率（A社 88.1%、B社 84.6%）を比べて、旅行者向けの短いコラムを書いて。"),
    ("PUBLIC", "standard", "正規表現で、全角カタカナだけの文字列にマッチするパターンを書いて、例を挙げて説明して。"),
    ("PUBLIC", "frontier", "結婚式場業界は少子化と婚姻数の減少の中で、今後10年どう変わるか。複数のシナリオを立て、それぞれで有効な戦略を論じて。"),
    ("PUBLIC", "frontier", "Prove that any connected graph with n vertices and n-1 edges is a tree."),
    ("PUBLIC", "frontier", "タクシーの配車アルゴリズムで、待ち時間の最小化と運転手の収入の公平性はトレードオフになる。両立させる仕組みを設計し、その弱点も論じて。"),
    ("PUBLIC", "frontier", "ざっくりでいいから、ペット保険に入るべきかどうか、保険料・自己負担・発症確率で期待値を考えて判断して。"),
    ("PUBLIC", "light", "劇団四季の本拠地がある都市を教えて。"),
    # INTERNAL
    ("INTERNAL", "light", "蔵の今期の仕込み記録を表にして。\n1号タンク 山田錦 精米50% 仕込み12/3\n2号タンク 五百万石 精米60% 仕込み12/10"),
    ("INTERNAL", "light", "（ボイスメモ書き起こし）えーと明日のゲネプロは13時集合、照明の仕込みは午前中、衣装は2着まだ直し中です、以上。→ 3行にまとめて"),
    ("INTERNAL", "light", "動物病院の今月の来院数（社内集計）を前月比で。犬 412→398、猫 287→305、その他 41→39"),
    ("INTERNAL", "light", "地上支援チームの引き継ぎメモを英訳して。「3番スポットのトーイングカーが不調、予備機を使用中。整備は明朝。」"),
    ("INTERNAL", "light", "次のタスクをCSVに：設計図面の修正（担当：北村、5/20）、施主打合せ（担当：岩崎、5/22）、確認申請（担当：北村、5/30）"),
    ("INTERNAL", "standard", "以下のメモから、結婚式場の営業会議の議事録を作って。\n・今月の成約 14組（目標16）\n・平日プランの問い合わせ増\n・来月からSNS広告を週3回に"),
    ("INTERNAL", "standard", "当社のタクシー配車アプリのAPIで、配車リクエストの平均待ち時間を時間帯別に出すSQLを書いて。rides(id, requested_at, picked_up_at, area)"),
    ("INTERNAL", "standard", "塾の講師向けに、新しい授業報告システムの使い方マニュアルを作って。ログイン→生徒選択→授業内容入力→保護者への送信。"),
    ("INTERNAL", "standard", "取引中の施工業者との年間契約の更新条件（単価据え置き、支払いサイト60日→45日）について、先方へ出す提案書の骨子を作って。"),
    ("INTERNAL", "standard", "社内の在庫APIがたまに502を返す。nginxのerror.logにupstream timed outと出てる。よくある原因と確認手順を教えて。"),
    ("INTERNAL", "standard", "Write a short internal notice for the museum staff: the east gallery closes on the 12th for lighting work, and guided tours move to the west wing."),
    ("INTERNAL", "frontier", "太陽光パネルの施工件数が前年比40%増で、施工班が足りない。外注を増やす、採用を増やす、受注を絞るの3案を、利益率・品質・納期遅延リスクで比較して、半年の計画を立てて。"),
    ("INTERNAL", "frontier", "空港の地上支援で、遅延便が重なる夕方に作業員8名（A〜H）を5便に割り当てたい。各便最低2名、BとCは同じ便不可、Eは牽引資格者で必ず1便に必要、Gは18時まで。割り当て案と根拠を。"),
    ("INTERNAL", "frontier", "当社の予約システムで、同じ部屋に2件の予約が入ることが月に数回ある。予約APIは2台のサーバーで動いていて、空き確認と登録が別トランザクション。原因を推論し、再発しない設計を提案して。"),
    ("INTERNAL", "frontier", "簡単にでいいので、劇団の来年度の公演数を増やすべきか判断して。稽古場の賃料、キャストの拘束、チケット販売率の見込みを踏まえて。"),
    ("INTERNAL", "light", "社内の問い合わせチケットを重要度順に並べて。\n#1 低 名刺の発注\n#2 高 給与システムにログインできない\n#3 中 会議室のプロジェクター故障"),
    # CONFIDENTIAL
    ("CONFIDENTIAL", "light", "Confidential：新酒の発売価格案（四合瓶 2,200円、一升瓶 4,100円）を英語の表にして。"),
    ("CONFIDENTIAL", "light", "［極秘］劇場の買収交渉メモの誤字を直して。「先方は売却額15億円を堤示、当方は12億円を上現とする。」"),
    ("CONFIDENTIAL", "light", "来月発表するまでは社外に出せない話です。航空会社との資本提携で当社が株式の20%を取得します。これを1行で英訳して。"),
    ("CONFIDENTIAL", "light", "当社が営業秘密として管理している麹の温度管理表です。時間順に並べて：12時間 32℃、6時間 30℃、18時間 36℃"),
    ("CONFIDENTIAL", "light", "INTERNAL ONLY：この見積もりの合計を出して。パネル 120万円、工事 85万円、諸経費 12万円"),
    ("CONFIDENTIAL", "standard", "【取扱注意】施主から受け取った設計条件書をもとに、設計方針のメモ（敷地条件、構造、意匠、予算）を作って。予算3.8億円、RC造5階。"),
    ("CONFIDENTIAL", "standard", "まだ公表していない中間決算（売上高 64億円、前年同期比 -12%）について、取締役会向けの説明資料の構成を作って。"),
    ("CONFIDENTIAL", "standard", "Draft a checklist for the team handling our unannounced acquisition of a regional taxi operator: data room access, who may be told, and when."),
    ("CONFIDENTIAL", "standard", "特許出願前の新しい梱包方法（ペット用のフードを窒素充填して酸化を防ぐ）について、社内の発明提案書の書式（課題、解決手段、効果）にまとめて。"),
    ("CONFIDENTIAL", "standard", "関係者外秘の配送ルート改善案です。これを現場向けの手順書にして。①早朝便の集約 ②中継拠点の新設 ③夜間便の廃止"),
    ("CONFIDENTIAL", "frontier", "公表前の業績予想の修正（純利益 40億円→18億円）について、開示のタイミング、株主説明、役員の株式売買の管理を総合的に判断して。"),
    ("CONFIDENTIAL", "frontier", "社外秘：同業の結婚式場チェーンと経営統合するか、単独で生き残るか。会場の重複、ブランドの毀損、従業員の雇用、統合比率の決め方を論じて結論を出して。"),
    ("CONFIDENTIAL", "frontier", "Strictly confidential: the regulator has hinted that our pet-food line may be recalled. Decide whether to recall voluntarily now, weighing liability, brand damage and cost."),
    ("CONFIDENTIAL", "frontier", "営業秘密として管理している顧客別の仕入れ価格表が、退職者のUSBから見つかった。刑事・民事の対応、取引先への説明、社内の再発防止の優先順位を判断して。"),
    ("CONFIDENTIAL", "frontier", "未公表の新薬候補の動物試験で副作用の兆候が出た。開発を続けるか止めるか、投資額・成功確率・情報開示の義務を踏まえて判断して。"),
    ("CONFIDENTIAL", "light", "以下は機密扱いの入札資料です。金額だけ抜き出して：A工区 2億4千万円、B工区 1億9千万円"),
    # PERSONAL
    ("PERSONAL", "light", "予約メモを整えて：6/14 18時 4名 予約者 杉山 陽子様 携帯 090-3377-1206 アレルギー：えび"),
    ("PERSONAL", "light", "この宛先をラベル印刷用に1行にして：〒606-8501 京都府京都市左京区吉田本町3-2-1 メゾン吉田201 長谷部 紗希 様"),
    ("PERSONAL", "light", "問い合わせフォームのメールアドレスだけ抜き出して：名前欄は空、メール koharu.w2002@gmail.com、内容：資料請求"),
    ("PERSONAL", "light", "Fix the grammar: \"Mrs. Watanabe's dog Momo have a skin allergy and need the medicated shampoo every week.\""),
    ("PERSONAL", "light", "テスト用に作ったダミーの個人番号 " + MN[0] + " を、3桁ごとにスペースで区切って。"),
    ("PERSONAL", "light", "生徒の模試の点数を高い順に並べて。\n大塚 悠真 英語72\n石井 莉子 英語88\n本田 陸 英語65"),
    ("PERSONAL", "standard", "運転手の森口 隆さん（乗務員番号 T-0441）が乗客とトラブルになった件の報告書（日時、経緯、対応、再発防止）を作って。"),
    ("PERSONAL", "standard", "Write a Python function that validates these customer rows and flags missing phone numbers:\nAoki Yuna,yuna.aoki@icloud.com,080-2234-9910\nIda Sho,sho.ida@gmail.com,"),
    ("PERSONAL", "standard", "新郎新婦（佐野 健太さん・佐野 みゆきさん）の打ち合わせメモから、当日の進行表を作って。挙式11時、披露宴12時半、ゲスト68名。"),
    ("PERSONAL", "standard", "ご家族からの申し出をもとに、塾の保護者面談の記録を整えて。生徒：川口 大和（中2）、成績低下、部活との両立に悩み、塾は週2回に減らしたい。"),
    ("PERSONAL", "frontier", "動物病院で、飼い主の福田 真理子さんが手術後の合併症について医療過誤だと主張しています。カルテ上は説明済み。法的責任の有無、示談の是非、今後の説明の仕方を検討して。"),
    ("PERSONAL", "frontier", "採用面接で、応募者の大西 拓海さんに家族構成を質問してしまった面接官がいます。応募者から苦情。法的なリスクと、会社としての対応、面接官の処分の要否を判断して。"),
    ("PERSONAL", "frontier", "Employee Haruka Nishida (ID 2291) has been on sick leave for 11 months with depression; her leave entitlement ends next month. Decide whether to extend, reassign or terminate, weighing the legal risks."),
    ("PERSONAL", "frontier", "【社外秘】経理の今村 亮さん（年収720万）と営業の堀 真一さん（年収690万）のどちらを課長に昇格させるか。評価の根拠、周囲への影響、不公平感への対処を踏まえて判断して。"),
    ("PERSONAL", "light", "着信履歴の番号 070-8812-4431 を、電話帳に登録する形式（氏名なし、メモ：配送業者？）に整えて。"),
    ("PERSONAL", "standard", "次の名刺情報から、お礼メールを書いて。株式会社ユキアカリ 設計部 部長 新井 康弘 携帯 080-6120-7735 yasuhiro.arai@example.co.jp"),
]


def main() -> None:
    write_set(ROWS, "ho2", OUT)


if __name__ == "__main__":
    main()
