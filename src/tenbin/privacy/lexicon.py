"""Static word lists: prefectures, honorifics, titles and label cues.

These are general facts about Japanese (47 prefectures, honorific suffixes, form labels), not
names taken from any evaluation file. Everything is compiled once at import.
"""

from __future__ import annotations

import re
from typing import Final


def words(text: str) -> frozenset[str]:
    """Whitespace-separated word list → frozenset (keeps long lists readable)."""
    return frozenset(text.split())


PREFECTURES: Final[tuple[str, ...]] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip

PREFECTURES_ROMAJI: Final[tuple[str, ...]] = (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki", "Tochigi",
    "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama", "Ishikawa", "Fukui",
    "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga", "Kyoto", "Osaka", "Hyogo",
    "Nara", "Wakayama", "Tottori", "Shimane", "Okayama", "Hiroshima", "Yamaguchi", "Tokushima",
    "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki",
    "Kagoshima", "Okinawa",
)  # fmt: skip

PREFECTURE_RE: Final = "(?:" + "|".join(PREFECTURES) + ")"
#: Matches when a string starts with a prefecture (used to confirm a postal code).
PREFECTURE_START: Final = re.compile(
    PREFECTURE_RE + "|(?:" + "|".join(p[:-1] for p in PREFECTURES if p != "北海道") + ")[市]"
    r"|[^\s\d]{1,5}[市区町村]"
)

#: Honorifics and titles that follow a name; they are cues, never part of the span.
HONORIFICS: Final[tuple[str, ...]] = (
    "様", "さま", "サマ", "さん", "サン", "氏", "殿", "くん", "君", "ちゃん", "先生", "先輩", "様邸", "御中",
)  # fmt: skip
TITLES: Final[tuple[str, ...]] = (
    "部長", "課長", "係長", "主任", "社長", "副社長", "会長", "専務", "常務", "取締役", "室長", "所長",
    "支店長", "店長", "工場長", "局長", "次長", "部長代理", "課長代理", "マネージャー", "リーダー",
    "主査", "主幹", "顧問", "理事", "理事長", "院長", "教授", "准教授", "監督", "代表", "CEO", "CTO",
    "弁護士", "税理士", "司法書士", "行政書士", "社労士", "会計士", "医師", "看護師", "薬剤師", "教諭",
    "班長", "組長", "議員", "委員長", "本部長", "支社長", "営業所長", "事務局長", "副部長", "副課長",
)  # fmt: skip
#: Words after joint names (林・舘野両名): a cue like an honorific, never part of a span.
GROUP_SUFFIXES: Final[tuple[str, ...]] = ("両名", "両氏", "ご夫妻", "夫妻")

#: Form labels after which a personal name follows ("担当：佐藤").
NAME_LABELS: Final[tuple[str, ...]] = (
    "氏名", "お名前", "名前", "ご氏名", "担当者", "担当", "ご担当", "対応者", "起票者", "申請者", "起案者",
    "作成者", "記入者", "報告者", "承認者", "決裁者", "依頼者", "受付者", "差出人", "送信者", "宛名",
    "宛先", "顧客名", "契約者", "申込者", "代表者", "代表者氏名", "責任者", "窓口", "発注側窓口",
    "受託側窓口", "連絡者", "面談者", "相談者", "患者", "患者名", "利用者", "被保険者", "受取人",
    "名義", "口座名義", "口座名義人", "フリガナ", "ふりがな", "カナ", "氏名カナ", "参加者", "出席者",
    "記録", "書記", "司会", "オペレーター", "担当オペレーター", "営業担当", "社内担当", "手配担当",
    "受付担当", "面接官", "応募者", "候補者", "入居者", "運転者", "同行者", "上長", "上長コメント",
    "ご依頼主", "お届け先", "届け先", "送り主", "配偶者", "扶養親族", "本人", "緊急連絡先", "保護者",
    "Name", "name", "From", "To", "Attn", "CC", "Cc",
)  # fmt: skip

#: Common surnames in kanji. Sudachi tags many of them as place names or common nouns
#: (上野, 平野, 林), so with a name cue nearby this list confirms them.
SURNAMES_KANJI: Final[frozenset[str]] = words(
    """
    佐藤 鈴木 高橋 田中 伊藤 渡辺 渡部 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林
    斎藤 斉藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤
    村上 遠藤 青木 坂本 斉藤 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野
    田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 工藤 谷口
    今井 高田 丸山 増田 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉 岩崎 菅原
    木下 久保 佐野 野村 松尾 市川 菊地 菊池 杉本 古川 大西 島田 水野 桜井 高野 渡邊 吉川 山内 西田
    飯田 西川 小松 北村 安田 五十嵐 川口 平田 関 中田 久保田 服部 東 岩田 土屋 川崎 福島 本田 辻
    樋口 秋山 田口 永井 山中 中西 吉村 川上 石原 大橋 松岡 馬場 浜田 森本 星野 矢野 浅野 大久保 松下
    吉岡 小池 野田 荒木 大谷 内藤 松浦 熊谷 黒田 尾崎 永田 川村 望月 田辺 松村 荒井 堀 大石 中尾
    藤川 西山 片山 本間 北川 吉野 小西 上原 谷 岡 今村 筒井 岩本 高山 木内 堤 長田 芦田 宇野 大森
    竹田 森川 青山 中谷 水谷 沢田 澤田 細川 小田 桑原 牧野 根本
    """
)

#: Common surnames in romaji (Hepburn, long vowels dropped), for romaji-only mentions.
SURNAMES_ROMAJI: Final[frozenset[str]] = words(
    """
    sato suzuki takahashi tanaka ito watanabe yamamoto nakamura kobayashi kato yoshida yamada sasaki
    yamaguchi matsumoto inoue kimura hayashi saito shimizu yamazaki mori ikeda hashimoto abe
    ishikawa yamashita nakajima ishii ogawa maeda okada hasegawa fujita goto kondo murakami endo
    aoki sakamoto fukuda ota nishimura fujii kaneko okamoto fujiwara nakano miura harada nakagawa
    matsuda takeuchi ono tamura nakayama wada ishida morita ueda hara uchida shibata sakai miyazaki
    yokoyama takagi ando miyamoto ono kojima kudo taniguchi imai takada maruyama masuda sugiyama
    murata otsuka arai koyama hirano fujimoto kono ueno noguchi takeda matsui chiba iwasaki sugawara
    kinoshita kubo sano nomura matsuo ichikawa kikuchi sugimoto furukawa onishi shimada mizuno
    sakurai takano yoshikawa yamauchi nishida iida nishikawa komatsu kitamura yasuda igarashi
    kawaguchi hirata seki nakata hattori higashi iwata tsuchiya kawasaki fukushima honda tsuji
    higuchi akiyama taguchi nagai yamanaka
    """
)

#: Historical and famous figures: not personal data in the protocol's sense.
FAMOUS_PEOPLE: Final[frozenset[str]] = words(
    """
    織田信長 豊臣秀吉 徳川家康 坂本龍馬 西郷隆盛 夏目漱石 福沢諭吉 樋口一葉 野口英世 渋沢栄一
    津田梅子 北里柴三郎 聖徳太子 紫式部 清少納言 源頼朝 足利尊氏 武田信玄 上杉謙信 伊達政宗 明智光秀
    勝海舟 大久保利通 伊藤博文 芥川龍之介 太宰治 宮沢賢治 松尾芭蕉 葛飾北斎 与謝野晶子 新渡戸稲造
    岩倉具視 吉田松陰 高杉晋作 土方歳三 近藤勇 卑弥呼 小野小町 本居宣長 平清盛 源義経 真田幸村
    石田三成 黒田官兵衛 川端康成 三島由紀夫 湯川秀樹 手塚治虫 黒澤明
    大隈重信 伊能忠敬 杉田玄白 北条政子 北条時宗 平賀源内 前野良沢 緒方洪庵 シーボルト 井伊直弼 徳川慶喜
    徳川吉宗 徳川綱吉 徳川家光 今川義元 毛利元就 加藤清正 前田利家 島津義弘 長宗我部元親 直江兼続
    千利休 世阿弥 雪舟 空海 最澄 親鸞 日蓮 法然 道元 行基 鑑真 中大兄皇子 中臣鎌足 藤原道長 藤原不比等
    菅原道真 平将門 源義家 楠木正成 後醍醐天皇 足利義満 足利義政 山県有朋 板垣退助 木戸孝允 陸奥宗光
    小村寿太郎 東郷平八郎 乃木希典 原敬 犬養毅 吉田茂 田中角栄 正岡子規 森鴎外 島崎藤村 石川啄木
    谷崎潤一郎 小林一茶 与謝蕪村 井原西鶴 近松門左衛門 滝沢馬琴 歌川広重 喜多川歌麿 尾形光琳 本田宗一郎
    松下幸之助 豊田佐吉 岩崎弥太郎 御木本幸吉 安藤百福 北里柴三郎 志賀潔 高峰譲吉 牧野富太郎 平塚らいてう
    市川房枝 土井晩翠 滝廉太郎 山田耕筰 美空ひばり 植村直己 嘉納治五郎 双葉山 力道山
    """
)
