import townhall.core.memo as memo_module
from townhall.core.memo import ProcessMemo


def test_a_memo_keeps_a_value_for_its_seconds_and_forgets_it_when_cleared(settings):
    settings.TEST_MEMO_SECONDS = 60
    memo = ProcessMemo("TEST_MEMO_SECONDS")
    loads: list[str] = []

    def load(value: str):
        loads.append(value)
        return value

    assert memo.get("a", lambda: load("first")) == "first"
    assert memo.get("a", lambda: load("second")) == "first"  # kept
    assert memo.get("b", lambda: load("other")) == "other"  # one value per key
    memo.forget("b")
    assert memo.get("b", lambda: load("again")) == "again"
    memo.clear()
    assert memo.get("a", lambda: load("third")) == "third"
    assert loads == ["first", "other", "again", "third"]


def test_a_memo_with_no_seconds_always_loads(settings):
    settings.TEST_MEMO_SECONDS = 0
    memo = ProcessMemo("TEST_MEMO_SECONDS")
    assert memo.get("a", lambda: 1) == 1
    assert memo.get("a", lambda: 2) == 2


def test_an_expired_value_is_loaded_again(settings, monkeypatch):
    settings.TEST_MEMO_SECONDS = 5
    memo = ProcessMemo("TEST_MEMO_SECONDS")
    now = [1000.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: now[0])
    assert memo.get("a", lambda: "old") == "old"
    now[0] += 4.9
    assert memo.get("a", lambda: "new") == "old"
    now[0] += 0.2
    assert memo.get("a", lambda: "new") == "new"
