import random

from tenbin.privacy import Detector, Masker

ANSWER = "〔氏名1〕様、〔電話1〕へご連絡ください。〔注意〕事項：〔氏名1〕様宛"
EXPECTED = "山田太郎様、090-1111-2222へご連絡ください。〔注意〕事項：山田太郎様宛"


def _session(full: Detector):  # type: ignore[no-untyped-def]
    msgs = [{"role": "user", "content": "山田太郎様 090-1111-2222"}]
    return Masker().mask_messages(msgs, full.scan_messages(msgs))


def test_every_split_point_restores(full: Detector) -> None:
    session = _session(full)
    assert session.restore(ANSWER) == EXPECTED
    for cut in range(len(ANSWER) + 1):
        r = session.stream_restorer()
        out = r.feed(ANSWER[:cut]) + r.feed(ANSWER[cut:]) + r.flush()
        assert out == EXPECTED, cut


def test_random_chunking_and_early_release(full: Detector) -> None:
    session = _session(full)
    rng = random.Random(7)
    for _ in range(50):
        r = session.stream_restorer()
        out, i = [], 0
        while i < len(ANSWER):
            n = rng.randint(1, 4)
            out.append(r.feed(ANSWER[i : i + n]))
            i += n
        out.append(r.flush())
        assert "".join(out) == EXPECTED
    r = session.stream_restorer()
    assert r.feed("〔注") == "〔注"  # cannot become a placeholder: released at once
    assert r.feed("〔氏") == ""
    assert r.flush() == "〔氏"
