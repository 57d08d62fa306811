// A loopback HTTP proxy in front of moto that answers chosen AWS calls with scripted faults.
// Hand-scripted because moto cannot produce them on demand: it never throttles, never denies
// sts:AssumeRole unless IAM auth is switched on for the whole (shared) server, and rejects an
// unknown bus with an exception instead of a per-entry PutEvents failure. Every other request
// is forwarded unchanged, so the handler still talks to the real emulator.
import * as http from "http";
import { AddressInfo } from "net";

export interface Fault {
  /**
   * AWS action: "DescribeSecurityGroups", "AssumeRole", "PutEvents", "GetMetricStatistics", and for
   * S3's REST calls the operation the request maps to ("ListBuckets", "GetBucketLocation", ...).
   */
  action: string;
  /** How many matching requests get the fault (then they pass through). Infinity for all. */
  times: number;
  /** Scripted answer; without one the request is forwarded (after `before`, if given). */
  status?: number;
  body?: string;
  contentType?: string;
  /** Never answer (the connection stays open until the proxy closes): a hung AWS endpoint. */
  hang?: boolean;
  /** Runs before the request is answered or forwarded: e.g. a concurrent change made in moto. */
  before?: () => Promise<void>;
  /**
   * Forwards the matching requests to moto one at a time (each after the previous one's answer).
   * moto applies a DynamoDB conditional put without a lock on a threaded server, so two puts racing
   * inside the emulator can both succeed, which DynamoDB never allows; serialized, the callers still
   * have both requests in flight at once, and the emulator decides them as DynamoDB would.
   */
  serialize?: boolean;
  /** Rewrites the forwarded answer's body (to correct a moto serialization defect; say which). */
  rewrite?: (body: string) => string;
}

export interface FaultProxy {
  url: string;
  /** Requests seen per action (faulted and forwarded). */
  counts: Record<string, number>;
  /** Raw request bodies per action, in arrival order. */
  bodies: Record<string, string[]>;
  /** The SigV4 access key id each request was signed with, per action, in arrival order. */
  signedBy: Record<string, string[]>;
  close(): Promise<void>;
}

/** EC2 query-protocol error body (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). */
export function ec2Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`;
}

/** STS (AWS query protocol) error body. */
export function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
}

/** The signing service of a SigV4 request ("s3", "ec2", "monitoring", ...), from its credential scope. */
function serviceOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? "";
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
}

/**
 * S3's REST API names no action in the request: the operation follows from the method, whether
 * a bucket (and key) is in the path, and the subresource in the query
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
 * The SDK uses path-style addressing against a loopback endpoint, so the bucket is the first
 * path segment. Only the operations the handlers and their tests use are named.
 */
export function s3ActionOf(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, "http://s3.local");
  const [bucket, ...key] = url.pathname.split("/").filter(Boolean);
  const q = url.searchParams;
  if (!bucket) return method === "GET" ? "ListBuckets" : `S3 ${method} /`;
  if (key.length === 0) {
    if (q.has("location")) return "GetBucketLocation";
    if (q.has("tagging")) return method === "GET" ? "GetBucketTagging" : "PutBucketTagging";
    if (method === "GET") return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    if (method === "HEAD") return "HeadBucket";
    if (method === "PUT") return "CreateBucket";
    if (method === "DELETE") return "DeleteBucket";
    return `S3 ${method} bucket`;
  }
  return (
    { GET: "GetObject", PUT: "PutObject", HEAD: "HeadObject", DELETE: "DeleteObject" }[method] ??
    `S3 ${method} object`
  );
}

function actionOf(req: http.IncomingMessage, body: string): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  // Smithy RPC v2 (CBOR): POST /service/<service>/operation/<operation>.
  const rpc = /^\/service\/[^/]+\/operation\/([^/?]+)/.exec(req.url ?? "");
  if (rpc) return rpc[1];
  if (serviceOf(req) === "s3") return s3ActionOf(req.method ?? "GET", req.url ?? "/");
  // Security Hub's REST API: the operation is the method and path (moto has no BatchUpdateFindings).
  if (
    serviceOf(req) === "securityhub" &&
    req.method === "PATCH" &&
    /^\/findings\/batchupdate/.test(req.url ?? "")
  )
    return "BatchUpdateFindings";
  // Its OCSF counterpart (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindingsV2.html).
  if (
    serviceOf(req) === "securityhub" &&
    req.method === "PATCH" &&
    /^\/findingsv2\/batchupdatev2/.test(req.url ?? "")
  )
    return "BatchUpdateFindingsV2";
  return new URLSearchParams(body).get("Action") ?? "";
}

export async function startFaultProxy(targetUrl: string, faults: Fault[]): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const counts: Record<string, number> = {};
  const bodies: Record<string, string[]> = {};
  const signedBy: Record<string, string[]> = {};
  const remaining = faults.map((f) => ({ ...f }));
  let serial: Promise<void> = Promise.resolve();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const action = actionOf(req, raw.toString("utf8"));
      counts[action] = (counts[action] ?? 0) + 1;
      (bodies[action] ??= []).push(raw.toString("utf8"));
      (signedBy[action] ??= []).push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "");
      const fault = remaining.find((f) => f.action === action && f.times > 0);
      if (fault) fault.times -= 1;
      if (fault?.before) await fault.before();
      if (fault?.hang) return;
      if (fault?.serialize) {
        const previous = serial;
        let done = () => {};
        serial = new Promise<void>((resolve) => (done = resolve));
        await previous;
        res.on("close", done);
      }
      if (fault?.status !== undefined) {
        res.writeHead(fault.status, { "content-type": fault.contentType ?? "text/xml" });
        res.end(fault.body);
        return;
      }
      const fwd = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          if (!fault?.rewrite) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          up.on("data", (c) => parts.push(c));
          up.on("end", () => {
            const body = Buffer.from(fault.rewrite!(Buffer.concat(parts).toString("utf8")), "utf8");
            const headers = { ...up.headers, "content-length": String(body.length) };
            delete headers["transfer-encoding"];
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(body);
          });
        },
      );
      fwd.on("error", (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      fwd.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    bodies,
    signedBy,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
