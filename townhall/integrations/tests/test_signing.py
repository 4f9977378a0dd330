import pytest

from townhall.integrations.signing import SignatureError, signature_check, signature_make

BODY = b'{"event_id":"e1"}'


def test_a_signature_made_with_the_secret_checks():
    header = signature_make("s3cret", BODY, timestamp=1_000_000)
    assert signature_check("s3cret", BODY, header, now=1_000_010) == 1_000_000


@pytest.mark.parametrize(
    ("secret", "body", "message"),
    [
        ("wrong", BODY, "does not match"),
        ("s3cret", BODY + b" ", "does not match"),
    ],
)
def test_another_secret_or_a_changed_body_is_refused(secret, body, message):
    header = signature_make("s3cret", BODY, timestamp=1_000_000)
    with pytest.raises(SignatureError, match=message):
        signature_check(secret, body, header, now=1_000_000)


def test_an_old_request_is_refused_as_a_replay_even_when_signed_well():
    header = signature_make("s3cret", BODY, timestamp=1_000_000)
    with pytest.raises(SignatureError, match="replay"):
        signature_check("s3cret", BODY, header, now=1_000_000 + 301)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=soon,v1=abc"])
def test_a_missing_or_malformed_header_is_refused_with_the_reason(header):
    with pytest.raises(SignatureError):
        signature_check("s3cret", BODY, header, now=1_000_000)
