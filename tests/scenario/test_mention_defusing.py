"""Nothing Curator shows in Slack pings a channel or a person: a mention the model writes is defused even
when it is split across streamed pieces, and `draw … --no <!here>` is echoed escaped."""

from __future__ import annotations

import html
import re

import pytest

from tests.fakes.generators import ScriptedGenerator
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)

MENTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@U0123ABC>", "<!subteam^S0123ABC>"]
# What Slack turns into a ping: a special sequence, raw, in the text it renders.
PING = re.compile(r"<[!@#][^>]*>")


class SplitAnswerer(ScriptedAnswerer):
    """Answers each question `split N` with the mention cut at position N, across two streamed pieces."""

    def __init__(self, mention: str) -> None:
        super().__init__(piece_delay=0.25)
        self.mention = mention

    def stream_answer(self, question, passages, history=()):
        at = int(question.rsplit(" ", 1)[-1])
        self.pieces = [f"Heads up {self.mention[:at]}", f"{self.mention[at:]} the VPN changed."]
        return super().stream_answer(question, passages, history)


@pytest.mark.parametrize("mention", MENTIONS)
def test_a_mention_split_across_streamed_pieces_at_any_position_pings_no_one(slack, tmp_path, sample_kb, mention):
    settings = slack_settings(slack, tmp_path / "bot")
    app = make_app(settings, make_services(settings, sample_kb, SplitAnswerer(mention)))
    threads = []
    for at in range(1, len(mention)):
        event = slack.user_message(f"how do I connect to the VPN, split {at}")
        assert dispatch(app, event).status == 200
        threads.append(event["event"]["ts"])
    for at, thread in zip(range(1, len(mention)), threads, strict=True):
        [reply] = wait_for_reply(slack, "DALICE", thread)
        assert not PING.search(reply.text), f"split at {at} pings: {reply.text!r}"
        shown = html.unescape(reply.text.replace("\u200b", ""))  # posted answers are mrkdwn, streamed ones Markdown
        assert f"Heads up {mention} the VPN changed." in shown, "the text is kept"
    streamed = [c for c in slack.calls_to("chat.startStream") if c.response.get("ok")]
    assert streamed and slack.calls_to("chat.appendStream") + slack.calls_to("chat.stopStream"), \
        "some answers were streamed, the split falling between Slack calls"


def test_draw_parameters_with_mentions_are_echoed_escaped(slack, tmp_path, sample_kb):
    settings = slack_settings(slack, tmp_path / "bot")
    app = make_app(settings, make_services(settings, sample_kb, ScriptedAnswerer(), ScriptedGenerator()))
    # Typed literally, the mentions reach the bot as Slack escapes them (a real @here would be `<!here>`).
    event = slack.user_message("draw a lighthouse --no &lt;!here&gt; &lt;!channel&gt; &lt;@U0123ABC&gt;")
    dispatch(app, event)
    thread = event["event"]["ts"]
    assert slack.wait_for(lambda: any(m.files for m in slack.messages("DALICE", thread_ts=thread)), timeout=20)
    assert slack.wait_for(lambda: any("AI-generated" in m.text for m in bot_replies(slack, "DALICE", thread)))
    [upload] = slack.calls_to("files.completeUploadExternal")
    comment = upload.params["initial_comment"]
    shown = [comment] + [m.text for m in bot_replies(slack, "DALICE", thread)] + [
        b["text"]["text"] for m in bot_replies(slack, "DALICE", thread) for b in m.blocks if b.get("text")]
    assert any("--no &lt;!here&gt; &lt;!channel&gt;" in text for text in shown[1:]), "the placeholder shows them"
    assert "--no &lt;!here&gt; &lt;!channel&gt; &lt;@U0123ABC&gt;" in comment
    assert not any(PING.search(text.replace("<@UALICE>", "")) for text in shown), shown
