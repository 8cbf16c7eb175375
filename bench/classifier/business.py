"""Generated everyday business material for the training set: what INTERNAL looks like in practice.

The rules call INTERNAL "company business content with no personal data and no marker": minutes,
handover notes, shift notices, KPI and cost tables, supplier and customer terms, internal
procedures, internal code, configs and logs, plans for the organisation's own resources. Such
material rarely says 社内 or "internal" — it is internal because it is *about one organisation's own
operations* (its teams, its machines, its figures, its counterparties), not because of a word.
So the generator builds it from domain packs (an organisation's kind, its teams, assets,
metrics, counterparties, events, systems) crossed with document shapes (memo, chat line, voice
transcript, e-mail reply, Markdown/CSV/TSV/aligned table, code, log, config, procedure, planning
problem) in Japanese and English, and the same domains' *general* questions (what a term means,
how an industry usually works, a public notice) as PUBLIC, so the domain vocabulary itself
decides nothing. Colleagues appear only as task owners (担当：{surname}), which the rules keep
out of PERSONAL. None of it is taken from, or paraphrases, the dev or held-out sets.
"""

from __future__ import annotations

# ruff: noqa: E501  (the pieces are data: one domain or one template per line reads better than wrapped)
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    org: str            # 当社 as this kind of organisation: "パン工房チェーン"
    org_en: str
    teams: tuple[str, ...]
    assets: tuple[str, ...]       # things that break, get scheduled or counted
    metrics: tuple[str, ...]      # figures the organisation tracks (JA)
    metrics_en: tuple[str, ...]
    partners: tuple[str, ...]     # suppliers / customers / contractors
    events: tuple[str, ...]       # recurring operational events
    system: str                   # an internal system the staff use
    term: str                     # a domain term someone might ask about in general
    term_q: str                   # its general question


DOMAINS: tuple[Domain, ...] = (
    Domain("ベーカリーチェーン", "bakery chain", ("製造チーム", "店舗運営課", "仕込み班"), ("2号オーブン", "ミキサーB", "冷凍庫3番", "配送バン"),
           ("廃棄率", "客単価", "焼成数", "来店客数"), ("waste rate", "average ticket", "loaves baked"), ("製粉会社", "包材メーカー", "冷凍配送業者"),
           ("朝の仕込み", "棚卸し", "新作の試食会"), "発注アプリ", "中種法", "パンの中種法と直捏法の違いは？"),
    Domain("コールセンター", "contact centre", ("一次受付チーム", "SV席", "品質管理班"), ("IVR", "座席の3列目", "録音サーバー", "ヘッドセット"),
           ("応答率", "平均処理時間", "放棄呼", "一次解決率"), ("answer rate", "average handle time", "abandon rate"), ("回線事業者", "派遣会社", "CRMベンダー"),
           ("朝礼", "モニタリング", "繁忙期のシフト調整"), "応対履歴システム", "ACW", "コールセンターのACWって何の略？"),
    Domain("スキー場", "ski resort", ("索道課", "パトロール隊", "レンタル担当"), ("第2リフト", "圧雪車", "人工降雪機", "チケット発券機"),
           ("来場者数", "リフト稼働率", "レンタル売上"), ("skier visits", "lift uptime", "rental revenue"), ("圧雪車の整備会社", "旅行代理店", "ウェア卸"),
           ("早朝の圧雪", "雪崩パトロール", "ナイター営業"), "リフト券管理システム", "パウダースノー", "パウダースノーができる条件は？"),
    Domain("自動車販売店", "car dealership", ("新車営業課", "サービス工場", "中古車課"), ("リフト2基目", "試乗車", "洗車機", "診断機"),
           ("成約率", "入庫台数", "車検件数", "粗利"), ("close rate", "service bookings", "gross margin"), ("メーカー販社", "陸送会社", "部品商"),
           ("週末フェア", "決算セール", "車検の予約受付"), "商談管理システム", "残価設定ローン", "残価設定ローンの仕組みを一般的に説明して"),
    Domain("調剤薬局チェーン", "pharmacy chain", ("調剤チーム", "在庫管理担当", "エリア本部"), ("分包機", "保冷庫", "レセコン"),
           ("処方箋枚数", "後発品使用率", "待ち時間"), ("prescriptions filled", "generic share", "waiting time"), ("医薬品卸", "システム会社", "配送業者"),
           ("月末の棚卸し", "在庫移動", "疑義照会の振り返り"), "薬歴システム", "後発医薬品", "後発医薬品と先発品は何が違う？"),
    Domain("SaaS開発会社", "SaaS company", ("プラットフォームチーム", "SRE", "カスタマーサクセス"), ("本番DB", "ステージング環境", "CIランナー", "決済API"),
           ("解約率", "MRR", "障害件数", "デプロイ頻度"), ("churn", "MRR", "incident count", "deploy frequency"), ("クラウド事業者", "決済代行会社", "監視ツールのベンダー"),
           ("リリース判定会", "障害振り返り", "スプリントレビュー"), "管理コンソール", "SLO", "SLOとSLAの違いは？"),
    Domain("保育園", "nursery", ("0歳児クラス", "給食室", "事務室"), ("午睡センサー", "園バス", "調乳器"),
           ("在園児数", "欠席率", "保育士の残業時間"), ("enrolment", "absence rate", "staff overtime"), ("給食の食材業者", "遊具の点検業者", "清掃会社"),
           ("避難訓練", "運動会の準備", "保護者会"), "連絡帳アプリ", "保育の5領域", "保育の5領域って何？"),
    Domain("リサイクル工場", "recycling plant", ("選別ライン", "計量所", "保全課"), ("破砕機", "磁選機", "2番コンベア", "フォークリフト"),
           ("処理量", "歩留まり", "稼働率"), ("tonnes processed", "yield", "uptime"), ("回収業者", "買取先の製鋼所", "保守メーカー"),
           ("定期点検", "搬入の受付", "月末の締め"), "計量システム", "マテリアルリサイクル", "マテリアルリサイクルとサーマルリサイクルの違いは？"),
    Domain("漁協", "fishing co-op", ("市場課", "加工場", "製氷担当"), ("製氷機", "2号船", "冷蔵庫", "フォークリフト"),
           ("水揚げ量", "平均単価", "加工品の出荷数"), ("landings", "average price", "processed units"), ("仲買人", "運送会社", "資材店"),
           ("朝のせり", "漁具の点検", "出荷前の検品"), "せり管理システム", "定置網漁", "定置網漁ってどういう漁法？"),
    Domain("書店チェーン", "bookshop chain", ("仕入課", "店舗営業部", "EC担当"), ("POSレジ", "検品端末", "配送カート"),
           ("返品率", "売上冊数", "客数"), ("return rate", "units sold", "footfall"), ("取次", "出版社", "倉庫会社"),
           ("新刊の棚替え", "フェア", "棚卸し"), "在庫照会システム", "再販売価格維持制度", "本の再販制度って何？"),
    Domain("フィットネスジム", "gym chain", ("フロント", "トレーナー班", "施設管理"), ("ランニングマシン5番", "サウナ", "入館ゲート"),
           ("会員数", "退会率", "パーソナル枠の稼働率"), ("members", "cancellation rate", "PT utilisation"), ("マシンの保守業者", "清掃会社", "サプリ卸"),
           ("朝の清掃", "体験会", "月初の入会キャンペーン"), "会員管理システム", "HIIT", "HIITの効果を一般的に教えて"),
    Domain("会計事務所", "accounting firm", ("監査チーム", "税務チーム", "総務"), ("複合機", "会計ソフトのサーバー", "共有フォルダ"),
           ("稼働時間", "顧問先数", "申告件数"), ("billable hours", "clients", "filings"), ("ソフトウェアベンダー", "派遣会社", "製本業者"),
           ("確定申告期の体制", "月次の締め", "所内研修"), "工数管理システム", "インボイス制度", "インボイス制度の基本を説明して"),
    Domain("繊維工場", "textile mill", ("織布課", "染色課", "品質管理"), ("3号織機", "染色釜", "ボイラー", "検反機"),
           ("不良率", "生産反数", "納期遵守率"), ("defect rate", "output", "on-time rate"), ("糸商", "染料メーカー", "アパレルの発注元"),
           ("段取り替え", "月例点検", "色合わせ"), "生産管理システム", "綾織り", "平織りと綾織りの違いは？"),
    Domain("病棟", "hospital ward", ("看護チーム", "病棟クラーク", "リハビリ科"), ("輸液ポンプ", "ナースコール", "電子カルテ端末"),
           ("病床稼働率", "平均在院日数", "インシデント件数"), ("bed occupancy", "length of stay", "incident reports"), ("医療機器ディーラー", "リネン業者", "給食委託会社"),
           ("申し送り", "カンファレンス", "夜勤の引き継ぎ"), "看護記録システム", "トリアージ", "トリアージの色分けの意味は？"),
    Domain("不動産管理会社", "property manager", ("管理課", "リーシング担当", "修繕チーム"), ("エレベーター2号機", "給水ポンプ", "オートロック"),
           ("入居率", "滞納率", "修繕費"), ("occupancy", "arrears", "repair spend"), ("設備保守会社", "清掃業者", "仲介会社"),
           ("定期巡回", "理事会の準備", "退去立会い"), "物件管理システム", "修繕積立金", "修繕積立金の一般的な相場の考え方は？"),
    Domain("イベント制作会社", "events company", ("制作チーム", "技術班", "営業"), ("LEDビジョン", "音響卓", "2tトラック"),
           ("案件数", "粗利率", "外注費"), ("projects", "gross margin", "contractor spend"), ("会場", "レンタル機材会社", "警備会社"),
           ("搬入", "リハーサル", "撤収"), "案件管理表", "バミリ", "舞台用語のバミリって何？"),
    Domain("半導体工場", "chip fab", ("前工程課", "設備保全", "歩留まり改善チーム"), ("露光装置3号機", "CVD装置", "純水設備"),
           ("歩留まり", "装置稼働率", "WIP"), ("yield", "tool uptime", "WIP"), ("装置メーカー", "ガス供給会社", "ウェハの調達先"),
           ("定期メンテ", "ロット投入", "品質会議"), "MES", "フォトリソグラフィ", "フォトリソグラフィの原理を簡単に"),
    Domain("コーヒー焙煎所", "coffee roaster", ("焙煎担当", "卸営業", "EC担当"), ("5kg焙煎機", "グラインダー", "シーラー"),
           ("卸先数", "焙煎量", "EC売上"), ("wholesale accounts", "roast volume", "online sales"), ("生豆商社", "カフェの卸先", "資材業者"),
           ("カッピング", "出荷", "月例の試飲会"), "受注管理シート", "シティロースト", "焙煎度合いのシティローストって？"),
    Domain("警備会社", "security firm", ("管制センター", "施設警備隊", "機械警備課"), ("監視カメラ", "巡回車2号", "入退室ゲート"),
           ("出動件数", "巡回達成率", "誤報件数"), ("call-outs", "patrol completion", "false alarms"), ("機器メーカー", "契約先のビル", "制服業者"),
           ("巡回", "隊員の研修", "年末の特別警戒"), "勤務管理システム", "機械警備", "機械警備と常駐警備の違いは？"),
    Domain("鉄道保線区", "track maintenance depot", ("保線班", "電気班", "資材係"), ("マルチプルタイタンパー", "軌道検測車", "保守用車"),
           ("作業件数", "徐行区間数", "資材在庫"), ("work orders", "speed restrictions", "stock"), ("レール納入業者", "協力会社", "機械メーカー"),
           ("夜間の線路閉鎖", "巡回", "月例の安全会議"), "保守作業システム", "カント", "線路のカントって何？"),
    Domain("放送局", "broadcaster", ("報道部", "編成部", "技術局"), ("中継車", "第2スタジオ", "送出マスター"),
           ("視聴率", "制作費", "CM枠の販売率"), ("ratings", "production cost", "ad fill rate"), ("制作会社", "広告代理店", "機材レンタル"),
           ("番組改編", "編成会議", "特番の準備"), "番組進行表", "ゴールデンタイム", "テレビのゴールデンタイムは何時から？"),
    Domain("清掃会社", "cleaning company", ("ビル清掃班", "ハウスクリーニング課", "資材管理"), ("ポリッシャー", "高所作業車", "社用車3号"),
           ("契約件数", "クレーム件数", "人件費率"), ("contracts", "complaints", "labour cost ratio"), ("洗剤メーカー", "契約先のビル管理会社", "派遣会社"),
           ("定期清掃", "新人研修", "年末の繁忙期"), "作業報告アプリ", "ワックス剥離", "床ワックスの剥離作業とは？"),
    Domain("動物園", "zoo", ("飼育課", "獣医室", "営業課"), ("ゾウ舎の給水設備", "園内バス", "券売機"),
           ("入園者数", "年間パス会員数", "飼料費"), ("visitors", "season-pass holders", "feed cost"), ("飼料業者", "旅行会社", "設備業者"),
           ("開園前の点検", "夏休みイベント", "夜間開園"), "飼育日誌システム", "環境エンリッチメント", "動物園の環境エンリッチメントとは？"),
    Domain("化粧品EC", "cosmetics e-shop", ("マーケ", "物流", "CS"), ("倉庫のピッキング機", "撮影スタジオ", "ECカート"),
           ("CVR", "リピート率", "広告費", "返品率"), ("conversion", "repeat rate", "ad spend"), ("OEMメーカー", "倉庫会社", "広告代理店"),
           ("新色の発売準備", "セール", "在庫棚卸し"), "受注管理画面", "ノンコメドジェニック", "ノンコメドジェニックって何？"),
    Domain("市の水道課", "city water bureau", ("浄水場の運転班", "管路課", "料金係"), ("配水ポンプ2号", "濁度計", "巡回車"),
           ("有収率", "漏水件数", "配水量"), ("revenue water", "leaks", "volume"), ("管工事の協力業者", "薬品の納入業者", "検針委託会社"),
           ("夜間の漏水調査", "水質検査", "料金改定の準備"), "管路台帳システム", "有収率", "水道の有収率って何？"),
)

SURNAMES = ("田村", "中西", "大野", "野口", "松井", "菅原", "杉山", "平野", "服部", "工藤", "横山", "宮本", "原田", "小野寺")
TIMES = ("7時", "8時半", "9:30", "10時", "13時", "15:00", "17時半", "21時")
DAYS = ("明日", "明朝", "あさって", "来週月曜", "今週金曜", "本日午後", "週明け", "月末")
DAYS_EN = ("tomorrow", "Monday", "this Friday", "next week", "tonight", "end of month")
FILLERS = ("えーと", "あのー", "まあ", "えっと")


def _n(r: random.Random, lo: int, hi: int) -> str:
    return f"{r.randrange(lo, hi):,}"


def _pct(r: random.Random) -> str:
    return f"{r.randrange(1, 60)}.{r.randrange(10)}"


# ---- INTERNAL document shapes: each takes the domain and returns a rendered body ------------------

def handover(d: Domain, r: random.Random) -> str:
    a, b = r.sample(d.assets, 2)
    return r.choice([
        f"引き継ぎメモ：{a}が不調のため{b}で代替中。修理業者は{r.choice(DAYS)}{r.choice(TIMES)}に来ます。{d.teams[0]}で対応。",
        f"【引き継ぎ】{a}：異音あり、様子見。{b}：問題なし。{r.choice(DAYS)}の{r.choice(d.events)}は予定どおり。",
        f"夜勤→日勤の引き継ぎです。{a}の警告が{r.randrange(2, 9)}回出たのでリセット済み。{d.partners[0]}への連絡はまだ。",
        f"Handover: {a} is down again, we're running on {b}. The vendor comes {r.choice(DAYS_EN)}. Nothing else open.",
    ])


def notice(d: Domain, r: random.Random) -> str:
    ev = r.choice(d.events)
    return r.choice([
        f"{d.teams[r.randrange(len(d.teams))]}の皆さんへ：{r.choice(DAYS)}の{ev}は{r.choice(TIMES)}開始です。{r.choice(d.assets)}は使えないので注意してください。",
        f"お知らせ：{r.choice(DAYS)}から{d.system}の画面が新しくなります。旧画面は{r.randrange(1, 4)}週間だけ併用できます。",
        f"連絡です。{ev}の集合は{r.choice(TIMES)}、場所は{r.choice(['2階会議室', '倉庫前', '事務所', '裏口'])}。持ち物は各自確認を。",
        f"To the {d.teams[0]} team: {r.choice(d.events)} moves to {r.choice(DAYS_EN)}; please update the rota in {d.system}.",
        f"来月から{r.choice(d.metrics)}の集計方法を変えます。{d.system}の出力をそのまま使い、手集計はやめます。",
    ])


def minutes(d: Domain, r: random.Random) -> str:
    m = r.choice(d.metrics)
    s1, s2 = r.sample(SURNAMES, 2)
    return r.choice([
        f"定例MTGメモ\n・{m}は先月比{_pct(r)}%悪化\n・{r.choice(d.assets)}の更新は来期に見送り\n・{d.partners[0]}との契約更新：条件確認中（担当：{s1}）\n・次回：{r.choice(DAYS)}",
        f"議事メモ（{d.teams[0]}）\n決定事項：{r.choice(d.events)}の手順を見直す\n宿題：{s1}さん→見積取得、{s2}さん→{d.system}の設定変更\n次回 {r.randrange(1, 13)}/{r.randrange(1, 29)}",
        f"Standup notes — {d.teams[0]}\n- {r.choice(d.assets)} fixed\n- {r.choice(d.metrics_en)} still below target\n- blocked on {d.partners[1]} quote",
        f"{d.teams[1]}ミーティングの結論：{r.choice(d.events)}は{r.randrange(2, 6)}名体制に増員、{m}の目標は据え置き。",
    ])


def voice(d: Domain, r: random.Random) -> str:
    f = r.choice(FILLERS)
    return r.choice([
        f"（音声メモ）{f}、{r.choice(DAYS)}の{r.choice(d.events)}は{r.choice(TIMES)}から、{r.choice(d.assets)}はまだ直ってないです、{f}、以上です。",
        f"書き起こし：{f}{d.teams[0]}からです。{r.choice(d.assets)}の件、{d.partners[2]}さんに見てもらったら部品待ちで{r.randrange(2, 15)}日かかるそうです。",
        f"[voice note] uh, so the {r.choice(d.assets)} thing, {d.partners[0]} says two weeks, we'll cover with overtime, that's it.",
    ])


def chat(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"（Teams）{r.choice(d.assets)}止まってます🙏 {d.system}にも入れない人いますか？",
        f"「{r.choice(DAYS)}の{r.choice(d.events)}、{r.randrange(2, 6)}人足りないです。誰か入れますか」というチャットが来てる",
        f"slack: {r.choice(d.assets)} is flaky again, {r.choice(d.metrics_en)} dropped {_pct(r)}% since Monday :(",
        f"LINE WORKS：{d.partners[0]}から納品が{r.randrange(1, 5)}日遅れると連絡あり。{r.choice(d.events)}に影響するかも。",
    ])


def reply(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"Re: {r.choice(d.events)}の件\n> {r.choice(d.assets)}は{r.choice(DAYS)}までに戻りますか？\n戻ります。ただし{d.partners[0]}の部品次第です。",
        f"> 例の{d.partners[1]}の見積、届いてる？\n届いてます。前回より{_pct(r)}%高いので、一度押し返します。",
        f"> Is the {r.choice(d.assets)} back?\nNot yet. {d.partners[0]} promised {r.choice(DAYS_EN)}.",
    ])


def kpi_table(d: Domain, r: random.Random) -> str:
    ms = list(d.metrics[:3])
    months = r.sample(["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月"], 3)
    shape = r.randrange(5)
    if shape == 0:
        head = "| 月 | " + " | ".join(ms) + " |\n|---|" + "---|" * len(ms)
        rows = ["| " + m + " | " + " | ".join(_n(r, 10, 9000) for _ in ms) + " |" for m in months]
        return head + "\n" + "\n".join(rows)
    if shape == 1:
        return "月," + ",".join(ms) + "\n" + "\n".join(m + "," + ",".join(_n(r, 10, 9000).replace(",", "") for _ in ms) for m in months)
    if shape == 2:
        return "拠点\t" + "\t".join(ms) + "\n" + "\n".join(f"{t}\t" + "\t".join(_n(r, 10, 900) for _ in ms) for t in d.teams)
    if shape == 3:
        return "\n".join(f"{t:<10} {r.choice(ms)} {_n(r, 10, 900):>6}  前月 {_n(r, 10, 900):>6}" for t in d.teams)
    return f"{r.choice(d.metrics_en)}: " + ", ".join(f"{m} {_n(r, 10, 900)}" for m in ["Apr", "May", "Jun"])


def costs(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"今期の{d.teams[0]}の経費：外注費{_n(r, 30, 900)}万円、修繕費（{r.choice(d.assets)}）{_n(r, 10, 300)}万円、消耗品{_n(r, 5, 90)}万円。",
        f"{r.choice(d.assets)}の更新見積：本体{_n(r, 100, 3000)}万円、工事{_n(r, 20, 400)}万円、保守年{_n(r, 10, 90)}万円。",
        f"Budget for next quarter ({d.teams[0]}): staff {_n(r, 5, 90)}M yen, {r.choice(d.assets)} upkeep {_n(r, 1, 20)}M yen.",
        f"{r.choice(d.metrics)}：目標{_n(r, 10, 900)}、実績{_n(r, 10, 900)}、達成率{_pct(r)}%",
    ])


def terms(d: Domain, r: random.Random) -> str:
    p = r.choice(d.partners)
    return r.choice([
        f"{p}との取引条件：単価{_n(r, 100, 90000)}円、月末締め翌月末払い、最低発注{_n(r, 10, 500)}ロット。来期も同条件の予定。",
        f"{p}から値上げの打診（{_pct(r)}%）。年間契約の更新時期なので、数量を約束する代わりに据え置きを交渉したい。",
        f"先方（{p}）の提示：納期{r.randrange(2, 30)}日、支払サイト{r.choice(['30', '45', '60'])}日、キャンセル料は発注額の{r.randrange(5, 40)}%。",
        f"Our contract with the {p} renews in {r.choice(['March', 'June', 'October'])}: they want {_pct(r)}% more and a two-year term.",
        f"見積比較：{d.partners[0]} {_n(r, 100, 9000)}円/件、{d.partners[1]} {_n(r, 100, 9000)}円/件（保守込み）。",
    ])


def procedure(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"{d.system}の使い方（スタッフ向け）：ログイン → {r.choice(['案件選択', '日付選択', '店舗選択'])} → 入力 → 承認依頼。",
        f"{r.choice(d.events)}の手順：①{r.choice(d.assets)}の電源確認 ②チェック表に記入 ③{d.teams[1]}へ報告",
        f"{r.choice(d.assets)}が止まったときの対応：まず再起動、直らなければ{d.partners[0]}の保守窓口へ、復旧まで{r.choice(d.assets)}で代替。",
        f"How we do {r.choice(d.events)}: check the {r.choice(d.assets)}, log it in {d.system}, tell the shift lead.",
    ])


def code(d: Domain, r: random.Random) -> str:
    tbl = r.choice(["orders", "shifts", "bookings", "lots", "members", "tickets"])
    return r.choice([
        f"```sql\nSELECT store_id, SUM(amount) FROM {tbl} WHERE created_at >= '2026-0{r.randrange(1, 9)}-01' GROUP BY store_id;\n```\n（{d.system}の集計用）",
        f"{d.system}のバッチで出るエラー：\n```\nTraceback (most recent call last):\n  File \"jobs/sync_{tbl}.py\", line {r.randrange(10, 300)}, in run\nKeyError: '{tbl[:-1]}_code'\n```",
        f"```yaml\n# {d.system}\nsync:\n  {tbl}:\n    interval: {r.randrange(1, 60)}m\n    endpoint: http://{tbl}-api.internal:8080\n```",
        f"{d.system}のログ：\n{r.randrange(10, 23)}:0{r.randrange(10)} WARN {tbl}-worker retry={r.randrange(1, 5)}\n{r.randrange(10, 23)}:1{r.randrange(10)} ERROR connection refused db-{tbl}:5432",
        f"```python\ndef {tbl}_summary(rows):\n    # {d.teams[0]} wants this daily\n    return {{r['site']: r['qty'] for r in rows if r['status'] == 'ok'}}\n```",
        f"Our {d.system} returns 500 on /api/{tbl} after the last deploy; stack trace says NullPointerException in {tbl.title()}Service.",
    ])


def report(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"日報（{d.teams[0]}）：{r.choice(d.events)}完了。{r.choice(d.assets)}の点検で異常なし。{r.choice(d.metrics)}は{_n(r, 10, 900)}。明日は{r.choice(d.events)}。",
        f"週報：今週の{r.choice(d.metrics)}は{_n(r, 10, 900)}（先週{_n(r, 10, 900)}）。課題は{r.choice(d.assets)}の老朽化と人手不足。",
        f"Weekly report: {r.choice(d.metrics_en)} {_n(r, 10, 900)} (last week {_n(r, 10, 900)}); {r.choice(d.assets)} back in service.",
        f"{r.choice(d.events)}の振り返り：よかった点 段取りが早かった／課題 {r.choice(d.assets)}の準備が遅れた／次回 前日に確認",
    ])


def plan_problem(d: Domain, r: random.Random) -> str:
    """Material whose task is the organisation's own trade-off: frontier by the rules."""
    return r.choice([
        f"{d.teams[0]}の人員が{r.randrange(2, 6)}名足りない。派遣を増やす、残業で回す、{r.choice(d.events)}を減らすの3案を、コスト・品質・離職リスクで比較して半年の方針を決めたい。",
        f"{r.choice(d.assets)}を更新するか延命するか。更新{_n(r, 300, 5000)}万円、延命は年{_n(r, 50, 600)}万円で故障リスクが上がる。{r.choice(d.metrics)}への影響も含めて判断したい。",
        f"{d.partners[0]}の値上げ（{_pct(r)}%）を受けるか、{d.partners[1]}に切り替えるか。切替には{r.randrange(2, 9)}か月かかり、品質も未知数。",
        f"来期の予算{_n(r, 1000, 9000)}万円を{d.teams[0]}・{d.teams[1]}・{d.teams[2]}にどう配分するか、{r.choice(d.metrics)}の改善と設備リスクを踏まえて決めたい。",
        f"Our {d.teams[0]} is overloaded: {r.choice(d.metrics_en)} keeps slipping. Options are hiring, outsourcing to the {d.partners[1]} or cutting {r.choice(d.events)}; each has knock-on effects.",
        f"{r.choice(d.events)}のシフトを組みたい。スタッフ{r.randrange(6, 12)}名、各日最低{r.randrange(2, 4)}名、資格者が毎日1名必要、連勤は4日まで、2名は土日不可。",
        f"{d.teams[0]}の作業員{r.randrange(5, 9)}名（A〜{'EFGH'[r.randrange(4)]}）を{r.choice(d.assets)}の作業と{r.choice(d.events)}に割り当てたい。BとCは同じ班不可、Aは有資格者で必ず1班に必要、Dは{r.choice(TIMES)}まで。",
        f"We need a new policy for our {d.teams[0]}: demand swings {r.randrange(10, 40)}% by season, the {r.choice(d.assets)} is a bottleneck and overtime is capped. Propose one and justify the trade-offs.",
        f"Our {d.org_en} has to cut {r.randrange(5, 20)}% of costs next year without hurting {r.choice(d.metrics_en)}. Which levers would you pull first, and what are the risks?",
    ])


def english(d: Domain, r: random.Random) -> str:
    """English internal material: written by staff about their own organisation."""
    a = r.choice(d.assets)
    m = r.choice(d.metrics_en)
    return r.choice([
        f"Announcement for staff: from next month the {d.teams[0]} starts at {r.choice(['7 am', '8:30', '9 am'])} and the {a} is off limits after 6 pm.",
        f"Our {r.choice(['order-events', 'billing', 'booking', 'inventory'])} consumers sometimes handle the same message twice after a rebalance; the {d.system} then shows duplicates.",
        f"We run {r.randrange(2, 6)} sites and the {m} differs a lot between them: {', '.join(f'site {c} {_n(r, 10, 900)}' for c in 'ABC')}.",
        f"Our {d.teams[1]} wants to replace the {a}; the {d.partners[0]} quoted {_n(r, 2, 90)}M yen with a five-year service plan.",
        f"Notes from today's ops review: {m} {_pct(r)}% below plan, the {a} failed twice, the {d.partners[1]} is late with parts.",
        f"Draft for the team channel: the {r.choice(d.events)} is moved to {r.choice(DAYS_EN)}, and the {d.system} will be read-only during it.",
        f"Our vendor ({d.partners[0]}) wants to change payment terms from 60 to 30 days; we buy about {_n(r, 10, 900)} units a month from them.",
        f"Here is our {d.system} cron config:\n0 */2 * * * /opt/{d.system.split()[0].lower()}/sync.sh --site all\nIt stopped running after the upgrade.",
        f"Internal FAQ draft for new hires in the {d.teams[2]}: where to find the rota, how to book the {a}, who approves overtime.",
    ])


SERVICES = ("billing", "refund", "checkout", "inventory", "booking", "payroll", "search", "notification", "ledger",
            "shipping", "pricing", "auth")
ERRORS = ("deadline exceeded", "connection reset by peer", "OOMKilled", "too many open files", "lock wait timeout",
          "503 from upstream", "duplicate key value violates unique constraint", "certificate has expired")


def english_ops(d: Domain, r: random.Random) -> str:
    """English about the organisation's own systems: services by name, jobs, on-call, dashboards."""
    a, b = r.sample(SERVICES, 2)
    e = r.choice(ERRORS)
    return r.choice([
        f"Our {a} worker fails every night around {r.randrange(1, 5)} am with '{e}' when it calls the {b} service.",
        f"The {a}-api pods in our staging cluster restart every few hours ({e}); prod looks fine so far.",
        f"On-call summary: {a} latency p99 went from {r.randrange(80, 300)} ms to {r.randrange(900, 4000)} ms after Tuesday's deploy; rolled back at {r.randrange(1, 12)} pm.",
        f"Our {a} job writes to the {b} database; since the migration it logs '{e}' a few times a day.",
        f"Dashboard numbers for the {d.teams[0]}: {r.choice(d.metrics_en)} {_n(r, 10, 900)} this week vs {_n(r, 10, 900)} last week.",
        f"The {a} team wants to split the monolith's {b} module into its own service before Q{r.randrange(1, 5)}; we have two engineers for it.",
        f"Log from our {a} service:\n{r.randrange(10, 23)}:{r.randrange(10, 59)} ERROR {a}.handler: {e}\n{r.randrange(10, 23)}:{r.randrange(10, 59)} WARN retrying ({r.randrange(1, 5)}/5)",
        f"Our {d.system} nightly export to the {d.partners[0]} stopped on the {r.randrange(1, 28)}th; the SFTP job says '{e}'.",
    ])


def public_tech(r: random.Random) -> str:
    """Generic technical questions that name no organisation's system: public."""
    e = r.choice(ERRORS)
    return r.choice([
        f"What does '{e}' usually mean and how do people typically fix it?",
        f"My hobby project in Python prints '{e}'. What are the common causes?",
        f"Explain what '{e}' means in general, with an example.",
        f"一般的に「{e}」というエラーはどういう時に出ますか？",
        "How does a message queue guarantee at-least-once delivery, in general?",
        f"What is the difference between a {r.choice(SERVICES)} microservice and a module in a monolith, in general terms?",
    ])


INTERNAL_SHAPES = (handover, notice, minutes, voice, chat, reply, kpi_table, costs, terms, procedure, code, report,
                   english, english, english_ops, english_ops)


# ---- PUBLIC in the same domains: general knowledge, so the vocabulary alone decides nothing -------

def public_general(d: Domain, r: random.Random) -> str:
    return r.choice([
        d.term_q,
        f"{d.term}とは何か、初心者向けに。",
        f"一般的に{d.org}では{r.choice(d.metrics)}をどう計算しますか？",
        f"{d.org}の仕事にはどんな職種があるか、一般論として。",
        f"What does a typical {d.org_en} measure as {r.choice(d.metrics_en)}, in general?",
        f"{d.org}業界の一般的な課題（人手不足、設備の老朽化など）について。",
        f"Explain in general terms how a {d.org_en} schedules {r.choice(['maintenance', 'staff', 'deliveries'])}.",
    ])


def public_notice(d: Domain, r: random.Random) -> str:
    return r.choice([
        f"（公式サイトに掲載中）{d.org}の営業時間変更のお知らせ：{r.randrange(1, 13)}月から{r.choice(TIMES)}開始となります。",
        f"プレスリリース（配信済み）：当社は{r.choice(d.events)}を一般公開します。参加無料。",
        f"公開されている業界統計：全国の{d.org}の{r.choice(d.metrics)}の平均は{_pct(r)}%（業界団体の年次報告）。",
        f"Posted on our public website: the {d.org_en} will be closed on {r.choice(['1 January', 'the 3rd', 'public holidays'])}.",
    ])


PREFS = ("千葉県", "静岡県", "岡山県", "宮城県", "熊本県", "長野県")
HEADLINES = ("日銀、金融政策の現状維持を決定", "新型ロケットの打ち上げに成功", "プロ野球、開幕戦は満員", "全国で梅雨明け、平年より早く",
             "大手自動車メーカー、EV工場を新設へ", "円相場、一時1ドル150円台", "高校サッカー決勝は延長戦に", "政府、防災白書を公表",
             "Central bank holds rates steady", "Local team wins the national cup", "New species of frog found in the Amazon")


def public_specific(d: Domain, r: random.Random) -> str:
    """Public material with specifics in it — published, fictional, textbook or an individual's own
    learning code: numbers, tables and tracebacks do not make anything internal by themselves."""
    shape = r.randrange(9)
    if shape == 0:
        return (f"求人サイトに掲載中の募集要項：【職種】{d.org}の{r.choice(d.teams)}スタッフ【勤務地】{r.choice(PREFS)}"
                f"【給与】月給{r.randrange(19, 35)}万円〜【休日】{r.choice(['シフト制', '土日祝', '週休2日'])}")
    if shape == 1:
        return "次のニュース見出し：\n" + "\n".join(f"{i + 1}. {h}" for i, h in enumerate(r.sample(HEADLINES, 4)))
    if shape == 2:
        return (f"経営学の授業で使う架空のケース：地方の{d.org}「{r.choice(['みなと', 'あさひ', 'つばさ', 'わかば'])}」は"
                f"{r.choice(d.metrics)}が{r.randrange(3, 9)}年で{r.randrange(10, 40)}%低下し、{r.choice(d.assets)}も老朽化している。")
    if shape == 3:
        return (f"業界団体が公表したレポートの一節：全国の{d.org}では{r.choice(d.metrics)}の改善が課題で、"
                f"{r.randrange(2015, 2025)}年の調査では回答企業の{r.randrange(20, 80)}%が人手不足を挙げた。")
    if shape == 4:
        people = "ABCDE"[: r.randrange(4, 6)]
        return (f"論理パズル：{len(people)}人（{people[0]}〜{people[-1]}）が{r.choice(d.events)}の当番を1日ずつ担当する。"
                f"{people[0]}は{people[1]}より前、{people[2]}は水曜以外、{people[3]}は月曜ではない。")
    if shape == 5:
        mod = r.choice(["main.py", "app.py", "test.py", "script.py"])
        return (f"勉強中のPythonスクリプトでエラーが出ました。\nTraceback (most recent call last):\n  File \"{mod}\", line "
                f"{r.randrange(2, 40)}, in <module>\n{r.choice(['IndexError: list index out of range', 'ZeroDivisionError: division by zero', 'NameError: name x is not defined'])}")
    if shape == 6:
        return f"国民の祝日（{r.randrange(2024, 2028)}年）\n" + "\n".join(
            f"{m}/{dd} {n}" for m, dd, n in r.sample([(1, 1, "元日"), (2, 11, "建国記念の日"), (4, 29, "昭和の日"),
                                                       (5, 3, "憲法記念日"), (5, 5, "こどもの日"), (11, 3, "文化の日")], 4))
    if shape == 7:
        return (f"{r.choice(['株式会社', ''])}{r.choice(['アオイ', 'ミズホ', 'カスミ'])}{d.org}ホールディングスが公表済みの決算："
                f"売上高{r.randrange(50, 2000)}億円（前期比{_pct(r)}%増）、営業利益{r.randrange(5, 200)}億円。")
    return (f"A textbook exercise: a {d.org_en} has {r.randrange(3, 9)} {r.choice(['staff', 'machines', 'vans'])} and must "
            f"cover {r.randrange(5, 15)} shifts a week; each works at most {r.randrange(2, 5)}.")


def internal_body(r: random.Random) -> str:
    d = r.choice(DOMAINS)
    return r.choice(INTERNAL_SHAPES)(d, r)


def internal_plan(r: random.Random) -> str:
    return plan_problem(r.choice(DOMAINS), r)


def public_body(r: random.Random) -> str:
    d = r.choice(DOMAINS)
    x = r.random()
    if x < 0.12:
        return public_tech(r)
    return (public_general if x < 0.5 else public_notice if x < 0.64 else public_specific)(d, r)
