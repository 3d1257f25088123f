from __future__ import annotations

import pytest

from moderation._reasons import Reason


def test_a_reason_renders_its_text_from_the_code_and_params():
    r = Reason("URL_SPAM_WORDS", {"words": ["earn", "money"]})
    assert r.text == "spam words in domain ('earn', 'money')"
    quoted = r.with_params(link="video-earn.makeup")
    assert quoted.code == r.code
    assert quoted.text == "link video-earn.makeup: spam words in domain ('earn', 'money')"


def test_the_json_shape_has_code_text_and_rounded_params():
    r = Reason("URL_MODEL_BAD", {"score": 0.534999})
    assert r.to_dict() == {
        "code": "URL_MODEL_BAD",
        "text": "lexical model 0.53 (resembles known bad URLs)",
        "params": {"score": 0.535},
    }


def test_an_unknown_code_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"add it to moderation\._reasons\.CODES"):
        Reason("NO_SUCH_CODE")
