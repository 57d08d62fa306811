// Secrets reach Lambdas only as KMS ciphertext encrypted with the encryption context
// LambdaFunctionName=<function name> (the console's "encryption helpers" convention:
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
// Decrypt once per container: callers keep the returned SecretCache in their callbackFactory
// scope, since module-level `let` state does not survive Pulumi closure serialization.
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { Deadline, isDeadlineExceeded } from "./deadline";
import { namedError } from "./namedError";

export interface SecretSource {
  /** Name of the env var holding base64 ciphertext. */
  ciphertextVar: string;
  /** Name of the env var holding a plaintext value (accepted only when LOCAL_RUN=1). */
  plainVar: string;
}

/** A plain named Error: a class extending Error loses its message in the serialized Lambda (namedError.ts). */
export function secretError(message: string): Error {
  return namedError("SecretError", message, {});
}

export interface SecretCache {
  /** The secret; with a deadline, the KMS call is aborted when it runs out (DeadlineExceeded). */
  get(deadline?: Deadline): Promise<string>;
}

/** Longest a KMS Decrypt may take, whatever time the function has left: it normally answers in ms. */
export const DECRYPT_CAP_MS = 10_000;

/** Decrypts base64 KMS ciphertext with the LambdaFunctionName encryption context. */
export async function decryptWithFunctionContext(
  ciphertextB64: string,
  functionName: string,
  deadline?: Deadline,
): Promise<string> {
  const kms = new KMSClient({});
  const command = new DecryptCommand({
    CiphertextBlob: Buffer.from(ciphertextB64, "base64"),
    EncryptionContext: { LambdaFunctionName: functionName },
  });
  try {
    const out = deadline
      ? await deadline.run("KMS Decrypt", (abortSignal) => kms.send(command, { abortSignal }), DECRYPT_CAP_MS)
      : await kms.send(command);
    if (!out.Plaintext) throw secretError("KMS returned no plaintext");
    return Buffer.from(out.Plaintext).toString("utf8");
  } catch (err) {
    // A hung KMS is not a key problem: say what timed out, not "another key?".
    if (isDeadlineExceeded(err)) throw err;
    const e = err as { name?: string; message?: string };
    throw secretError(
      `could not decrypt secret with encryption context LambdaFunctionName=${functionName}: ` +
        `${e.name ?? "Error"}: ${e.message ?? String(err)} ` +
        `(was it encrypted for another function, or with another key?)`,
    );
  } finally {
    kms.destroy();
  }
}

/**
 * A per-container cache of one secret. The first get() decrypts; later calls reuse the value.
 * A failed decrypt is not cached, so the next invocation retries.
 */
export function secretCache(source: SecretSource, env: NodeJS.ProcessEnv = process.env): SecretCache {
  const state: { value?: Promise<string> } = {};
  const load = async (deadline?: Deadline): Promise<string> => {
    const ciphertext = env[source.ciphertextVar];
    if (ciphertext) {
      const fn = env.AWS_LAMBDA_FUNCTION_NAME;
      if (!fn) throw secretError(`${source.ciphertextVar} is set but AWS_LAMBDA_FUNCTION_NAME is not`);
      return decryptWithFunctionContext(ciphertext, fn, deadline);
    }
    const plain = env[source.plainVar];
    if (plain) {
      if (env.LOCAL_RUN !== "1") {
        throw secretError(
          `${source.plainVar} holds a plaintext secret, which is accepted only for local runs (LOCAL_RUN=1); ` +
            `deployed functions must use ${source.ciphertextVar}`,
        );
      }
      return plain;
    }
    throw secretError(`neither ${source.ciphertextVar} nor ${source.plainVar} is set`);
  };
  return {
    get(deadline?: Deadline): Promise<string> {
      if (!state.value) {
        state.value = load(deadline).catch((err) => {
          state.value = undefined;
          throw err;
        });
      }
      return state.value;
    },
  };
}
