import { strict as assert } from "assert";
import { responseUrlProblem } from "../../../../handlers/chatops/shared/command";

describe("chat-ops response_url", () => {
  it("accepts only Slack's own hosts over https in deployed runs", () => {
    assert.equal(
      responseUrlProblem("https://hooks.slack.com/commands/T1/397700885554/abc", false),
      undefined,
    );
    assert.equal(responseUrlProblem("https://hooks.slack-gov.com/commands/T1/1/abc", false), undefined);
    assert.equal(
      responseUrlProblem("https://attacker.example/collect", false),
      "response_url must point at Slack (hooks.slack.com or hooks.slack-gov.com), not attacker.example",
    );
    assert.equal(
      responseUrlProblem("http://hooks.slack.com/commands/T1/1/abc", false),
      "response_url must use https (got http:)",
    );
    assert.equal(responseUrlProblem("not a url", false), "response_url is not a URL");
  });

  it("refuses a Slack URL with a user name or password, in deployed and local runs alike", () => {
    for (const local of [false, true]) {
      for (const url of [
        "https://u:p@hooks.slack.com/commands/T1/1/abc",
        "https://u@hooks.slack.com/commands/T1/1/abc",
        "https://:p@hooks.slack.com/commands/T1/1/abc",
      ])
        assert.equal(
          responseUrlProblem(url, local),
          "response_url must not carry a user name or password",
          `${url} (local ${local})`,
        );
    }
  });

  it("accepts a local server only in local runs (tests)", () => {
    assert.equal(responseUrlProblem("http://127.0.0.1:8080/respond", true), undefined);
    assert.notEqual(responseUrlProblem("http://127.0.0.1:8080/respond", false), undefined);
  });
});
