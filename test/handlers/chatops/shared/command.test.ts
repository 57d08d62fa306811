import { strict as assert } from "assert";
import {
  describeCommand,
  parseCommandText,
  responseUrlProblem,
} from "../../../../handlers/chatops/shared/command";

describe("chatops command parser", () => {
  const ok: Array<[string, unknown]> = [
    ["", { kind: "help" }],
    ["  HELP ", { kind: "help" }],
    ["accounts", { kind: "accounts" }],
    ["ec2", { kind: "ec2-list" }],
    ["ec2 list", { kind: "ec2-list" }],
    ["ec2 list prod", { kind: "ec2-list", account: "prod" }],
    [
      "ec2 list ap-northeast-1 222222222222",
      { kind: "ec2-list", account: "222222222222", region: "ap-northeast-1" },
    ],
    ["EC2 Console i-0123456789ABCDEF0", { kind: "ec2-console", instanceId: "i-0123456789abcdef0" }],
    [
      "ec2 start i-1234abcd staging us-gov-west-1",
      { kind: "ec2-start", instanceId: "i-1234abcd", account: "staging", region: "us-gov-west-1" },
    ],
    [
      "ec2 stop i-0123456789abcdef0 333333333333",
      { kind: "ec2-stop", instanceId: "i-0123456789abcdef0", account: "333333333333" },
    ],
    ["s3", { kind: "s3-list" }],
    ["s3 list prod", { kind: "s3-list", account: "prod" }],
    ["s3 usage logs.example-1", { kind: "s3-usage", bucket: "logs.example-1" }],
    ["s3 usage xn-logs-s3", { kind: "s3-usage", bucket: "xn-logs-s3" }],
    ["s3 usage 192.168.5.4.logs", { kind: "s3-usage", bucket: "192.168.5.4.logs" }],
    ["s3 usage logs 222222222222", { kind: "s3-usage", bucket: "logs", account: "222222222222" }],
  ];
  for (const [text, command] of ok) {
    it(`parses ${JSON.stringify(text)}`, () =>
      assert.deepEqual(parseCommandText(text), { ok: true, command }));
  }

  const bad: Array<[string, string]> = [
    ["reboot", "unknown command `reboot`: use `ec2`, `s3`, `accounts` or `help`"],
    [
      "ec2 terminate i-1234abcd",
      "unknown ec2 command `terminate`: use `ec2 list`, `ec2 console`, `ec2 start` or `ec2 stop`",
    ],
    ["ec2 start", "missing instance id. Usage: `ec2 start <instance-id> [account] [region]`"],
    [
      "ec2 stop i-xyz",
      "`i-xyz` is not an instance id (i- and 8 or 17 hex digits). Usage: `ec2 stop <instance-id> [account] [region]`",
    ],
    [
      "ec2 list us-east-1 eu-west-1",
      "more than one region (`us-east-1`, `eu-west-1`). Usage: `ec2 list [account] [region]`",
    ],
    [
      "ec2 list prod staging",
      "unexpected argument `staging` (account is already `prod`). Usage: `ec2 list [account] [region]`",
    ],
    [
      "ec2 list $(rm)",
      "`$(rm)` is neither an account (12-digit id or name) nor a region. Usage: `ec2 list [account] [region]`",
    ],
    ["s3 usage", "missing bucket name. Usage: `s3 usage <bucket> [account]`"],
    // S3's "General purpose bucket naming rules", each named before any AWS call.
    ...(
      [
        ["Bad_Bucket", "has characters other than lowercase letters, digits, dots (.) and hyphens (-)"],
        ["ab", "is 2 characters long; bucket names have 3 to 63"],
        ["a".repeat(64), "is 64 characters long; bucket names have 3 to 63"],
        ["-logs", "must begin and end with a letter or digit"],
        ["logs.", "must begin and end with a letter or digit"],
        ["my..logs", "has two adjacent dots"],
        ["192.168.5.4", "is formatted as an IP address"],
        ["xn--logs", "starts with `xn--`, a prefix S3 reserves"],
        ["sthree-logs", "starts with `sthree-`, a prefix S3 reserves"],
        ["amzn-s3-demo-bucket", "starts with `amzn-s3-demo-`, a prefix S3 reserves"],
        ["logs-s3alias", "ends with `-s3alias`, a suffix S3 reserves"],
        ["logs--ol-s3", "ends with `--ol-s3`, a suffix S3 reserves"],
        ["logs.mrap", "ends with `.mrap`, a suffix S3 reserves"],
        ["logs--x-s3", "ends with `--x-s3`, a suffix S3 reserves"],
        ["logs--table-s3", "ends with `--table-s3`, a suffix S3 reserves"],
      ] as const
    ).map(([name, why]): [string, string] => [
      `s3 usage ${name}`,
      `\`${name}\` is not a valid S3 bucket name: it ${why}. Usage: \`s3 usage <bucket> [account]\``,
    ]),
    [
      "s3 list us-east-1",
      "`us-east-1` is a region, and s3 commands take none (each bucket's own region is used). Usage: `s3 list [account]`",
    ],
    ["s3 list -x", "`-x` is neither an account (12-digit id or name). Usage: `s3 list [account]`"],
    ["s3 delete b", "unknown s3 command `delete`: use `s3 list` or `s3 usage <bucket>`"],
    ["accounts all", "`accounts` takes no arguments"],
  ];
  for (const [text, error] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () =>
      assert.deepEqual(parseCommandText(text), { ok: false, error }));
  }

  it("describes commands canonically", () => {
    const r = parseCommandText("ec2 START i-1234abcd prod eu-west-1");
    assert.ok(r.ok);
    assert.equal(describeCommand(r.command), "ec2 start i-1234abcd prod eu-west-1");
  });

  it("accepts only https response_urls, and http only for local runs", () => {
    assert.equal(responseUrlProblem("https://hooks.slack.com/commands/T/1/x", false), undefined);
    assert.equal(
      responseUrlProblem("http://127.0.0.1:9/x", false),
      "response_url must use https (got http:)",
    );
    assert.equal(responseUrlProblem("http://127.0.0.1:9/x", true), undefined);
    assert.equal(responseUrlProblem("file:///etc/passwd", true), "response_url must use https (got file:)");
    assert.equal(responseUrlProblem("not a url", true), "response_url is not a URL");
  });
});
