import * as assert from "assert";
import { deadlineFrom, isDeadlineExceeded, withTimeout } from "../../../handlers/shared/deadline";
import { errorCode, errorText } from "../../../handlers/shared/errors";

describe("handlers/shared/deadline", () => {
  it("rejects a hung call with DeadlineExceeded naming it, and aborts its signal", async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    await assert.rejects(
      withTimeout("KMS Decrypt", 50, (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      }),
      (err: Error) => isDeadlineExceeded(err) && /KMS Decrypt did not answer within 50 ms/.test(err.message),
    );
    assert.ok(Date.now() - started < 1000);
    assert.strictEqual(seen?.aborted, true);
  });

  it("passes a call's own result and error through", async () => {
    assert.strictEqual(await withTimeout("x", 1000, async () => 7), 7);
    await assert.rejects(
      withTimeout("x", 1000, async () => Promise.reject(new Error("boom"))),
      /boom/,
    );
  });

  it("budgets from the Lambda's remaining time minus the reserve, and caps each call", async () => {
    const d = deadlineFrom({ getRemainingTimeInMillis: () => 3000 }, 1000, 60_000);
    assert.ok(d.remainingMs() <= 2000 && d.remainingMs() > 1900);
    await assert.rejects(
      d.run("SNS Publish", () => new Promise(() => undefined), 30),
      /SNS Publish did not answer within 30 ms/,
    );
    const none = deadlineFrom(undefined, 1000, 500);
    assert.ok(none.remainingMs() <= 500);
    const spent = deadlineFrom({ getRemainingTimeInMillis: () => 100 }, 1000, 60_000);
    assert.strictEqual(spent.remainingMs(), 0);
  });

  it("errorText never yields [object Object]; errorCode reads EC2's Code", () => {
    assert.strictEqual(errorText(new TypeError("bad")), "TypeError: bad");
    assert.strictEqual(errorText({ name: "Throttling", message: "slow down" }), "Throttling: slow down");
    assert.strictEqual(errorText({ a: 1 }), '{"a":1}');
    assert.strictEqual(errorText("plain"), "plain");
    assert.strictEqual(errorCode({ Code: "InvalidGroup.NotFound", name: "x" }), "InvalidGroup.NotFound");
    assert.strictEqual(errorCode(undefined), undefined);
  });
});
