"""Write bench/data/routing_holdout_3.jsonl: a third held-out set for the request classifier.

    .venv/bin/python bench/data/make_routing_holdout_3.py

Written after the classifier was frozen at d4f4879 (the commit that widened the training
generator in bench/classifier/business.py), labelled by request_labels_ja.md before scoring.
Written against the generator on purpose: none of its domain packs or templates — a ramen shop,
a shrine, a dairy farm, a funeral home, a karaoke chain, a golf course, an esports team, a
local newspaper, a kimono rental, a crane rental, a translation agency, an onsen ryokan, a
vending-machine operator, a florist, a space start-up, a sewage plant; and the styles it does
not produce: long keigo e-mails with the request buried in the middle, one-line requests with
typos and no punctuation, role-play system prompts, "前回の続き" follow-ups, quoted chat logs
with speaker names, English written by a Japanese speaker, requests that state the task
twice. First score: routing_holdout_3.first_score.txt.
"""

from __future__ import annotations

# ruff: noqa: E501  (the prompts are data)
import random
from pathlib import Path

from routing_sets import my_number, write_set

OUT = Path(__file__).with_name("routing_holdout_3.jsonl")

MN = [my_number(random.Random(31337)) for _ in range(3)]

ROWS: list[tuple[str, str, str]] = [
    # ---- PUBLIC ----------------------------------------------------------------------------
    ("PUBLIC", "light", "ラーメンの「二郎系」ってどういう意味？ひとことで"),
    ("PUBLIC", "light", "神社の二礼二拍手一礼の順番をかんたんに箇条書きで"),
    ("PUBLIC", "light", "Please translate into natural Japanese: \"The onsen is open from 6 a.m. to midnight. Towels are available at the front desk.\""),
    ("PUBLIC", "light", "次の花を春・夏・秋・冬に咲くものに分けてください。ひまわり、椿、桜、コスモス、紫陽花"),
    ("PUBLIC", "light", "1エーカーは何平方メートル？"),
    ("PUBLIC", "light", "この文の誤字をなおして「本日はご来場いただき誠に有難うございまいた。」"),
    ("PUBLIC", "light", "「秘湯」と「秘境」、読み方だけ教えて。"),
    ("PUBLIC", "light", "市の広報に載っている「下水道使用料の改定（来年4月から、基本料金 月1,100円→1,210円）」を1行にまとめて。"),
    ("PUBLIC", "light", "国際宇宙ステーションは地上から約何km上空を飛んでいる？"),
    ("PUBLIC", "light", "以下の公式プロフィールを箇条書きに：「ゴルフ場 グリーンヒルズ那須、18ホール、パー72、1978年開場、所在地 栃木県那須郡、代表電話 0287-00-1234」"),
    ("PUBLIC", "standard", "乳牛の乾乳期ってなぜ必要なの？酪農を知らない人向けに説明してください。"),
    ("PUBLIC", "standard", "Write a small JavaScript function that formats a number as Japanese yen with commas, e.g. 1234567 -> \"¥1,234,567\", and show two examples."),
    ("PUBLIC", "standard", "eスポーツの大会でよく使われる「ダブルエリミネーション方式」を、シングルエリミネーションと比べてわかりやすく解説して。"),
    ("PUBLIC", "standard", "会社の秘書検定2級の勉強をしています。電話応対でよく出る敬語の間違いを5つ、正しい言い方と一緒に説明して。"),
    ("PUBLIC", "standard", "情報セキュリティの「機密性・完全性・可用性」を、図書館の本の貸し出しに例えて説明してくれませんか。"),
    ("PUBLIC", "standard", "地方新聞の発行部数が減っている理由として一般的に言われていることを整理して、見出しつきで説明して。"),
    ("PUBLIC", "standard", "Pythonで、CSVファイルの1列目の重複を数える短いスクリプトを書いて。標準ライブラリだけで。"),
    ("PUBLIC", "standard", "葬儀の「家族葬」と「一般葬」の違いを、費用・参列者・準備の観点で表にして説明して。"),
    ("PUBLIC", "standard", "上場している自販機オペレーター大手が公表済みの決算（売上高 1,850億円、営業利益 62億円、前期比 +4.1%）から、投資初心者向けのやさしい解説記事を書いて。"),
    ("PUBLIC", "standard", "機密保持契約（NDA）で「残存条項」と呼ばれるものは一般的に何を定めるのか、例を挙げて説明してください。"),
    ("PUBLIC", "frontier", "人口減少が進む地方で、路線バスを維持するか、デマンド交通に切り替えるか。一般論として、財政・高齢者の移動・運転手不足のトレードオフを整理し、どんな条件ならどちらを選ぶべきか論じて。"),
    ("PUBLIC", "frontier", "Prove that for every integer n >= 1, 3^n - 1 is divisible by 2, and then generalise: for which integers k is k^n - 1 always divisible by k - 1? Prove it."),
    ("PUBLIC", "frontier", "分散キャッシュで、キャッシュの無効化とDBの更新の順序を間違えると古いデータが残る問題について、書き込みパターン（write-through、write-behind、cache-aside）ごとに競合シナリオを挙げ、正しい設計を比較して論じて。"),
    ("PUBLIC", "frontier", "ある架空の温泉旅館のケーススタディです。客室20室、稼働率55%、客単価2.8万円、人手不足で週1日休館中。値上げ・休館日の追加・日帰り客の受け入れ拡大のどれを優先すべきか、前提を置いて定量的に比較してください。"),
    ("PUBLIC", "frontier", "一般論として、従業員がSNSで勤務先の悪口を書いた場合、懲戒処分はどこまで許されるか。表現の自由、企業秩序、投稿内容の真実性などの観点から、判断の枠組みを場合分けして検討して。"),
    ("PUBLIC", "frontier", "論理パズル：5つの花屋A〜Eが駅前の5区画に1軒ずつ入る。Aは端、BはCの隣、DはEより駅に近い、Cは中央ではない、Eは端ではない。全ての配置を求め、その推論過程を示して。"),
    ("PUBLIC", "frontier", "What are the trade-offs between event sourcing and a classic CRUD model for a system that must support audits and undo? Discuss consistency, storage, schema evolution and team skills, and say when you would pick each."),
    ("PUBLIC", "light", "What does the Japanese word 「お通し」 mean at an izakaya? One sentence."),
    ("PUBLIC", "standard", "Can you explain how a crane's load chart works, in general, for someone new to construction?"),
    ("PUBLIC", "light", "便秘に良いと一般に言われる食べ物を3つだけ挙げて。"),
    # ---- INTERNAL --------------------------------------------------------------------------
    ("INTERNAL", "light", "製麺所さんとの今月の納品記録、表にしてほしいです\n1日 中太麺 40玉 / 8日 中太麺 45玉 / 15日 細麺 30玉 / 22日 中太麺 50玉"),
    ("INTERNAL", "light", "おつかれです！昨日の閉店作業のLINEを1行にまとめてください🙏\n店長「寸胴は2つとも洗浄済み、チャーシューは仕込み残り3本、明日は豚骨の発注忘れずに」"),
    ("INTERNAL", "light", "祭事の準備メモを英語にしてください。「秋季例大祭：神輿の点検は10月3日、氏子総代会への案内状は9月20日までに発送、駐車場は第2を使用」"),
    ("INTERNAL", "light", "牧場の今週の搾乳量（kg）を多い順に並べて。1号牛舎 2,840、2号牛舎 3,115、3号牛舎 2,602、育成舎 0"),
    ("INTERNAL", "light", "次のカラオケ店の問い合わせメモを「設備」「料金」「予約」に分類して\n・5番ルームのマイクが入らない\n・学割は平日だけ？\n・土曜18時に10名で取れるか"),
    ("INTERNAL", "light", "ゴルフ場のコース管理班の日報を3行で：本日グリーン更新作業（エアレーション）8〜12番完了。散水ポンプ2号機から異音、業者手配済み。明日は雨予報のため作業中止の可能性。"),
    ("INTERNAL", "light", "translate pls: 次の遠征はチームバンで移動、集合は金曜21時にゲーミングハウス前、機材チェックは各自で、ホテルは2人1部屋"),
    ("INTERNAL", "light", "着物レンタル店の今月の貸出数から、前月比を%で出して。振袖 48（前月 61）、訪問着 22（前月 19）、浴衣 130（前月 12）"),
    ("INTERNAL", "light", "クレーンの稼働予定をCSVに直してください。25t ラフター：月・火 A現場、水 整備／50t オールテレーン：月〜木 B現場"),
    ("INTERNAL", "light", "自販機の補充ルート表、誤字と表記ゆれだけ直して。「1.駅前ビル（ボトル缶） 2.市民ﾌﾟｰﾙ(缶) 3.第二倉庫前（ﾎﾞﾄﾙ） 4.病院ロビー（カップ式）」"),
    ("INTERNAL", "standard", "翻訳会社の案件管理の話です。来月から品質チェックを二段階（翻訳者セルフチェック→レビュアー）にするので、登録翻訳者向けの運用マニュアルを作ってください。納品フォーマット、チェックリスト、差し戻しの流れを含めて。"),
    ("INTERNAL", "standard", "旅館の仲居さん向けに、新しい予約台帳タブレットの使い方ガイドを書いてください。チェックイン処理、夕食時間の変更、アレルギー欄の確認、この3つが中心です。"),
    ("INTERNAL", "standard", "下水処理場の運転班の定例会メモから議事録を作って。\n・ブロワ3号機の振動値上昇→来月オーバーホール\n・汚泥脱水機の薬品使用量が前年比12%増\n・夜間巡視の人員を2名→3名に（担当：運転班長）"),
    ("INTERNAL", "standard", "花屋の母の日の仕入れについて、市場の仲卸さんと交渉中の条件を比較表にしてください。\nA：カーネーション 1本 95円、最低 3,000本、前日納品\nB：1本 102円、最低 1,500本、当日早朝納品"),
    ("INTERNAL", "standard", "うちの宇宙スタートアップの地上局ソフトで、テレメトリ受信後にパースが失敗します。原因を見てほしい。\n```\nValueError: frame length 238 does not match header (256)\n  at telemetry/decoder.py:88\n```\nヘッダは固定長のはずです。"),
    ("INTERNAL", "standard", "葬儀社の夜間受付の手順書をつくりたいです。電話を受けたら①お迎え先と時間の確認②安置場所の確認③担当者への連絡④翌朝の引き継ぎ、という流れで、チェックリスト形式にして。"),
    ("INTERNAL", "standard", "Could you write a SQL query for our esports ticketing DB? Table sales(event_id, seat_type, price, sold_at). I need revenue per event per seat_type for last month, PostgreSQL."),
    ("INTERNAL", "standard", "地方紙の編集局で、来春から夕刊を廃止して朝刊とWebに集約する案が出ています（読者にはまだ告知していない）。社員向けの説明資料の構成案を、背景・変わること・スケジュールの3章で作って。"),
    ("INTERNAL", "standard", "Our kimono rental shop's booking form sends duplicate confirmation emails. Here is the handler:\n```js\nform.addEventListener('submit', async e => { await sendMail(data); await sendMail(data); });\n```\nCan you fix it and explain?"),
    ("INTERNAL", "standard", "来月から自販機の一部商品を10円値上げします（まだ設置先には伝えていません）。設置先オーナー向けの案内文のたたき台を、理由・対象商品・開始日の順で書いてください。"),
    ("INTERNAL", "frontier", "クレーンのオペレーターが来月2名退職し、残り6名。受注済みの現場は4つで、うち2つは夜間作業あり、1つは50t以上の資格者が必須。外注オペの単価は社員の1.6倍。どの現場をどう回すか、断る案件があるならどれか、根拠つきで計画を立てて。"),
    ("INTERNAL", "frontier", "牧場で、飼料価格が前年比35%上がっています。頭数を減らす、自給飼料の畑を広げる、乳製品の直販を始める、の3案について、3年間の収支と労働時間、天候リスクを考慮して比較し、どれを選ぶべきか判断したいです。"),
    ("INTERNAL", "frontier", "We run 14 karaoke branches. Weekday afternoons are at 20% occupancy, weekends at 95%. Options: dynamic pricing, closing 3 weak branches, or renting rooms for remote work by day. Analyse the trade-offs (revenue, staff, brand) and recommend a plan for the next 12 months."),
    ("INTERNAL", "frontier", "地上局のソフトで、2つのスレッドがアンテナ制御の状態を同時に書き換えて、まれに追尾が外れます。ロックを入れたら今度はパス予測の計算が間に合わなくなりました。設計から見直して、正しさとリアルタイム性を両立させる方法を考えてください。"),
    ("INTERNAL", "frontier", "翻訳会社として、大口のクライアント1社が売上の45%を占めています。その会社から単価15%引き下げの要請。受ける・一部だけ受ける・断るの各シナリオで、翻訳者の確保や他社営業への影響まで含めて交渉方針を設計してください。"),
    ("INTERNAL", "frontier", "旅館の夏の繁忙期の人員配置を決めたい。仲居8名、調理5名、フロント3名。夕食は2部制、露天風呂の清掃は1日2回で各2名必要、調理のうち2名は連勤4日まで、フロントは24時間誰か1名。送迎バスの運転ができるのは3名だけ。回る配置と、回らない日の対策を出して。"),
    ("INTERNAL", "frontier", "簡単でいいので判断して：下水処理場のブロワ更新（1台 8,000万円）を今年やるか、3年延命するか。延命中に故障したら放流水質が基準を超えるリスクがある。予算は今年なら補助金が1/2出る。"),
    ("INTERNAL", "light", "Summarise in two lines: \"Shrine office update — the new omamori stock arrives on the 12th; the gift shop POS will be down for 2 hours on the 14th for an update; volunteers' briefing moved to Sunday.\""),
    ("INTERNAL", "standard", "花屋のネットショップの商品登録ルール（写真の枚数、商品名の付け方、在庫数の入力方法）を、新しく入ったアルバイト向けに分かりやすくまとめ直してください。今は口頭で伝えています。"),
    ("INTERNAL", "light", "このSlackのやり取り、要点だけ箇条書きにして\n佐野: 明日の配信、カメラ2台目まだ届いてない\n森: 代替でWebカメラ使う？\n佐野: 画質落ちるけど仕方ないか、一応レンタルも当たってみる"),
    # ---- CONFIDENTIAL ----------------------------------------------------------------------
    ("CONFIDENTIAL", "light", "この資料は社外秘扱いです。来期の新メニュー案を英語にしてください。「冷やし担々麺（6月〜8月限定、税込1,180円）」"),
    ("CONFIDENTIAL", "light", "ＣＯＮＦＩＤＥＮＴＩＡＬ\n次の数字の合計だけ出して。A地区 1,240万円、B地区 980万円、C地区 1,505万円"),
    ("CONFIDENTIAL", "light", "Internal only—please fix the typos: \"The new loyalty programm starts in Octber for all brances.\""),
    ("CONFIDENTIAL", "light", "【関係者外秘】次の議題を重要度順に並べ替えて。①屋上看板の修繕 ②主要取引先との統合交渉の進め方 ③駐車場の契約更新"),
    ("CONFIDENTIAL", "light", "まだ公表前の第2四半期の数字です。前年同期比を出して。売上高 84億円（前年 91億円）、営業利益 3.2億円（前年 6.8億円）"),
    ("CONFIDENTIAL", "light", "当社の営業秘密として管理しているスープの炊き方メモを、工程ごとの箇条書きに直してください。「豚骨 20kg を強火で 14 時間、途中 6 時間目に鶏ガラ 8kg を追加、最後に背脂を…」"),
    ("CONFIDENTIAL", "light", "極秘　以下を3行で要約：競合のゴルフ場運営会社から、当社の2コースを買い取りたいという打診があった。提示額は非公表、来月に先方社長と面談予定。"),
    ("CONFIDENTIAL", "light", "Please translate into Japanese. This is from our partner, received under NDA, every page stamped \"Confidential\": \"The launch vehicle's second stage will use a new methane engine, tested in March.\""),
    ("CONFIDENTIAL", "light", "取扱注意　この表をMarkdownに整えて。店舗,閉店予定月\n桜台店,2027年3月\n港南店,2027年6月"),
    ("CONFIDENTIAL", "light", "来月発表予定の業績予想の修正（経常利益 40億円→28億円）について、社内の説明メモの誤字脱字だけ見てください。"),
    ("CONFIDENTIAL", "standard", "地元の同業、みなと新聞社との経営統合の話が進んでいます（まだどこにも発表していません）。統合準備委員会の初回の議題案とアジェンダを作ってください。"),
    ("CONFIDENTIAL", "standard", "We are about to take a 30% stake in a drone start-up; nothing has been disclosed yet. Draft an outline of the internal briefing for the board: rationale, terms, risks, next steps."),
    ("CONFIDENTIAL", "standard", "特許をまだ出願していないアイデアです：献花が長持ちするよう、花瓶の水の温度をペルチェ素子で一定に保つ台座。社内の発明届の書式（課題、解決手段、効果、実施例）にまとめてください。"),
    ("CONFIDENTIAL", "standard", "社外秘の人員削減計画（対象は本社管理部門、約40名、希望退職の募集は来年1月開始予定）について、管理職向けのQ&Aを8問作ってください。"),
    ("CONFIDENTIAL", "standard", "開示前の決算速報（売上高 412億円、純利益 18億円、前期比 -22%）をもとに、IR担当が使う想定問答を5つ作ってください。"),
    ("CONFIDENTIAL", "standard", "Confidential: attached are the terms of the supplier rebate scheme we give only to our top 5 distributors. Rewrite them as a clear one-page summary with headings."),
    ("CONFIDENTIAL", "standard", "この企画書、表紙に「機密」のスタンプが押してあるやつです。内容を章立てにして整理してください。新ブランドの立ち上げ、ターゲットは30代女性、初年度売上目標 5億円。"),
    ("CONFIDENTIAL", "standard", "当社のノウハウとして管理している、豆腐の凝固剤の配合と温度管理の方法を、新工場向けの作業標準書（目的、手順、管理値、異常時の処置）の形にしてください。"),
    ("CONFIDENTIAL", "standard", "【社外秘】次期中期経営計画のドラフトです。スライド10枚の構成（タイトルと各スライドの要点）を作ってください。海外比率を3割へ、不採算2事業から撤退、DX投資に120億円。"),
    # An unreleased product plan with no marker is INTERNAL by the rules, 公表前 or not.
    ("INTERNAL", "standard", "公表前の新製品（ウェアラブル線量計）の発売計画について、販売代理店向けの説明会の進行台本を作って。発売は来年5月予定、価格は未定。"),
    ("CONFIDENTIAL", "frontier", "未公表ですが、当社は物流子会社の売却を検討しています。買い手候補は2社（事業会社と投資ファンド）。従業員の雇用維持、価格、売却後の取引条件のトレードオフを整理して、どちらと交渉を進めるべきか判断して。"),
    ("CONFIDENTIAL", "frontier", "極秘：主要株主から当社へのTOBの打診がありました。提示プレミアムは25%。取締役会として受け入れ・拒否・対抗策の検討のどれを取るべきか、株主利益と法的義務の観点から検討して。"),
    ("CONFIDENTIAL", "frontier", "This is strictly confidential. Our Q3 numbers, not yet published, show a loss instead of the forecast profit. Should we issue a revised forecast now or wait for the scheduled release in 5 weeks? Consider disclosure rules, insider-trading risk and market reaction."),
    ("CONFIDENTIAL", "frontier", "取扱注意の資料です。工場Aを閉鎖して工場Bに集約する案と、両方を縮小して残す案を、雇用・輸送コスト・災害リスク・地元自治体との関係を踏まえて比較し、推奨案を出してください。"),
    ("CONFIDENTIAL", "frontier", "営業秘密として管理しているレシピが、退職した元社員の開業した店で使われている疑いがあります。不正競争防止法上の主張が通るか、証拠の集め方、交渉か訴訟かを慎重に検討してください。"),
    ("CONFIDENTIAL", "frontier", "まだ社外に出していない合併の話です。相手先とのシステム統合で、会計・人事・販売の3つの基幹システムをどちらに寄せるか。移行リスク、コスト、ライセンス、現場の抵抗を踏まえて段階的な統合計画を設計して。"),
    ("CONFIDENTIAL", "frontier", "社外秘　値上げ交渉の戦略を考えてほしい。主要顧客3社への納入単価を8%上げたいが、1社は競合への切り替えをほのめかしている。顧客ごとの交渉順序、譲歩案、撤退ラインを設計して。"),
    ("CONFIDENTIAL", "frontier", "Internal Only: we suspect a competitor got our bid price for the city contract. Walk through the possible leak paths (people, e-mail, the consultant), what we should investigate first, and whether to report it, weighing the legal risks."),
    ("CONFIDENTIAL", "light", "社外秘の会議メモです。日付と決定事項だけ抜き出して。「11/2 新店舗の出店見送りを決定。11/9 代替として既存店改装を承認。」"),
    ("CONFIDENTIAL", "standard", "関係者外秘：来春の組織改編案（営業本部を東日本・西日本に分割）について、社員向けの発表文のドラフトを作って。"),
    # ---- PERSONAL --------------------------------------------------------------------------
    ("PERSONAL", "light", "予約のお客様情報を1行ずつに整形して。氏名 岡田 紗季、人数 2名、電話 080-4417-9023、メール saki.okada88@gmail.com、到着予定 15時"),
    ("PERSONAL", "light", f"マイナンバーの書き方を整えて（4桁ずつスペース）：{MN[0]}"),
    ("PERSONAL", "light", "次の葬儀の受付記録を表にしてください。故人 藤本 正雄 様（享年84）、喪主 藤本 和子 様（妻）、連絡先 090-7731-0456、通夜 11月3日 18時"),
    ("PERSONAL", "light", "Please fix the grammar: \"Dear Mr. Kenta Morishita, your membership number GH-20731 will expire on 31 March, please renew by then.\""),
    ("PERSONAL", "light", "この番号、誰のかわからないけど 070-2288-6154 から3回着信あり。メモにして。"),
    ("PERSONAL", "light", "アルバイトの石原 陽菜さんのシフト希望を表に：月 17-22、水 17-22、土 10-18（高校3年、門限22時）"),
    ("PERSONAL", "light", "次のメールアドレスを、ドメインごとに並べ替えて。taichi.n@yahoo.co.jp、m-kudo@outlook.jp、sora1204@gmail.com"),
    ("PERSONAL", "light", "英訳して：「小野 菜々子さん（会員番号 M-55021）は、膝の手術のため来月から3か月休会します。」"),
    ("PERSONAL", "light", "次の住所を郵便番号・都道府県・市区町村・番地に分けて：〒321-0953 栃木県宇都宮市東宿郷9-8-7 中村 悠真"),
    ("PERSONAL", "light", "社員名簿の抜粋を敬称つきで並べ替えて（五十音順）。渡部 結衣（総務、内線 2231、私用携帯 090-5520-7710）、阿部 航（経理、内線 2245）"),
    ("PERSONAL", "standard", "次の情報で、採用内定者への入社案内メールを書いてください。氏名：川端 美月、入社日：4月1日、配属：予約センター、持参物：年金手帳、マイナンバーカードの写し、連絡先：080-3350-1198"),
    ("PERSONAL", "standard", "あなたは旅館の女将です。常連の高木 紀子様（82歳、車椅子をご利用、前回は和室で段差に困られた）をお迎えする準備のチェックリストを作ってください。"),
    ("PERSONAL", "standard", "次のクレーム内容から、お詫び状の下書きを書いて。お客様：村田 浩二様（〒460-0008 名古屋市中区栄4-5-6）、内容：着物の返却時に汚れの追加料金を請求されたが、元からの汚れだと主張。"),
    ("PERSONAL", "standard", "Write a short reference letter for our former intern, Aiko Tanaka (aiko.tanaka.dev@gmail.com), who worked on ground-station software from April to September and was rated 'excellent'."),
    ("PERSONAL", "standard", "カラオケ店でお客様が転倒しました。事故報告書を作って。被害者：木下 翔さん（22歳、大学生、連絡先 070-6640-2231）、5番ルーム前の通路、21時40分、右手首を打撲、救急車は不要とのこと。"),
    ("PERSONAL", "standard", f"給与計算の担当です。次の扶養控除申告の内容をチェック項目ごとに整理して。本人 吉村 拓也、個人番号 {MN[1]}、配偶者 吉村 麻美（年収 98万円）、子 1名（7歳）"),
    ("PERSONAL", "standard", "ゴルフ会員の退会手続きの案内を書いてください。会員：長尾 誠一様、会員番号 G-1107、退会理由：健康上の理由（心臓の持病）、預託金の返還は来年3月。"),
    ("PERSONAL", "standard", "前回の続きです。先ほどの面談メモ（対象：松田 彩花さん、入社2年目、上司との関係に悩んでいて異動希望）を、人事面談記録の書式に整えて。"),
    ("PERSONAL", "standard", "eスポーツチームの選手契約書の更新案内を、選手の村井 蓮さん（18歳、未成年のため保護者 村井 直子さんの同意が必要、年俸 480万円）向けに作成して。"),
    ("PERSONAL", "standard", "次の健康診断結果の一覧から、要再検査の人だけ抜き出して、本人向けの受診勧奨メールのひな形を作って。\n社員番号,氏名,判定\n1021,佐久間 勇,A\n1034,樋口 奈緒,C（血圧）\n1050,荒木 大地,D（肝機能）"),
    ("PERSONAL", "frontier", "配送ドライバーの永井 健太さん（勤続6年）が、飲酒運転の疑いで警察に事情聴取されました。本人は否定、処分は未確定。就業規則上の懲戒の可否、処分の時期、社内外への説明を、本人の権利にも配慮して慎重に検討してください。"),
    ("PERSONAL", "frontier", "ホテルの元従業員の三浦 香織さん（電話 090-1187-3320）から、在職中の残業代が未払いだとして内容証明が届きました。タイムカードと自己申告の記録に食い違いがあります。支払うべき額の考え方、和解か争うか、今後の労務管理の見直しを判断して。"),
    ("PERSONAL", "frontier", "A guest, Mr. David Chen (room 1204, passport on file), says our staff lost his laptop; CCTV is unclear. He threatens to post online and sue. Decide how to respond: liability, insurance, the apology, and what we must not say, weighing legal and reputational risks."),
    ("PERSONAL", "frontier", "パート社員の坂口 由美子さん（58歳、勤続15年、要介護2の母を在宅介護中）から、勤務日数を週5→週3に減らしつつ社会保険は残したいという相談。制度上の可否、会社の負担、他のパートへの公平性を踏まえて、会社としての回答を考えて。"),
    ("PERSONAL", "frontier", "次の漏えいの疑いについて、個人情報保護委員会への報告が必要か判断して。委託先の印刷会社から、DMの宛名データ（氏名・住所・電話、約3,200件）を保存したUSBを紛失したと連絡。例：森本 悟、大阪府堺市北区中百舌鳥町1-2-3、072-000-1111。"),
    ("PERSONAL", "frontier", "社内のハラスメント相談です。営業課の小林 秀樹課長が、部下の上野 真央さんに飲み会の参加を繰り返し強要し、断ると評価を下げると言ったとの申告。課長は冗談だったと主張。ハラスメントに当たるか、調査の進め方と処分の判断基準を示して。"),
    ("PERSONAL", "frontier", "奨学金の選考で、応募者の西田 陸さん（世帯年収 310万円、父は病気療養中、成績 GPA 3.6）と、北川 葵さん（世帯年収 280万円、GPA 3.1、ボランティア実績多数）のどちらを採用するか。選考基準の公平性を踏まえて判断して。"),
    ("PERSONAL", "light", f"ダミーデータだけど念のため。このマイナンバー {MN[2]} をハイフン区切りに直して。"),
    ("PERSONAL", "standard", "次の名刺の内容からCRMに登録するJSONを作って、あわせて初回のお礼メールを書いて。株式会社ホクト航機 調達部 主任 須藤 晴美 Mobile 080-9123-4470 h.sudo@hokuto-koki.example.jp"),
    ("PERSONAL", "frontier", "Our employee Takeshi Ono (staff ID 40219) disclosed he has epilepsy after a minor seizure at work. He operates the forklift. Decide whether and how to reassign him, what accommodations are reasonable, and how to handle his medical information, weighing safety and discrimination risk."),
]


def main() -> None:
    write_set(ROWS, "ho3", OUT)


if __name__ == "__main__":
    main()
