// The start of an unreadable message is shown on its alert: the cut is on code points, so an emoji
// (a surrogate pair) at the cut is kept whole or dropped whole, never left half; a lone surrogate
// already in the text becomes U+FFFD.
import { strict as assert } from "assert";
import { excerptOf, unwrap } from "../../../handlers/findings/envelopes";
import { renderMessages } from "../../../handlers/notifier";
import { allStrings } from "../notifier/fixtures";

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function snsEvent(message: string) {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        Sns: {
          Type: "Notification",
          MessageId: "m-1",
          TopicArn: "arn:aws:sns:us-east-1:111111111111:security-guard-events",
          Message: message,
        },
      },
    ],
  };
}

describe("excerpt of an unreadable message", () => {
  it("cuts on code points: an emoji straddling the cut is not split", () => {
    for (let pad = 295; pad <= 302; pad++) {
      const body = `{${"a".repeat(pad)}\u{1F600}\u{1F600} not json`;
      const [r] = unwrap(snsEvent(body));
      assert.ok(r.error?.startsWith("the message body is not valid JSON"), r.error);
      assert.ok(r.excerpt, "an excerpt");
      assert.doesNotMatch(r.excerpt!, LONE, `pad ${pad}`);
      assert.equal(Array.from(r.excerpt!).length, 300);
      assert.equal(r.excerpt, Array.from(body).slice(0, 300).join(""));
    }
  });

  it("a lone surrogate in the text becomes U+FFFD, and none reaches the Slack message", () => {
    assert.equal(excerptOf("ab\ud83dcd\ude00e"), "ab\ufffdcd\ufffde");
    assert.equal(excerptOf("\u{1F600}x", 1), "\u{1F600}");
    const [out] = renderMessages(snsEvent(`{"a": "\ud83d ${"x".repeat(400)}`), {
      accountNames: {},
      routes: [],
    });
    assert.ok(out.message);
    const strings = allStrings(out.message);
    assert.ok(
      strings.some((s) => s.includes("\ufffd")),
      "the excerpt is on the message",
    );
    for (const s of strings) assert.doesNotMatch(s, LONE);
  });
});
