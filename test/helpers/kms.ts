// Secrets as the stacks hand them to a function: KMS ciphertext (base64) under a fresh key in moto,
// bound to the function by the LambdaFunctionName encryption context, which Lambda's own environment
// encryption uses too (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
import { CreateKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";

/** `plaintext` encrypted for `functionName` only; `region` defaults to the SDK's (moto: us-east-1). */
export async function ciphertextFor(
  functionName: string,
  plaintext: string,
  region?: string,
): Promise<string> {
  const kms = new KMSClient(region ? { region } : {});
  try {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const out = await kms.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from(plaintext),
        EncryptionContext: { LambdaFunctionName: functionName },
      }),
    );
    return Buffer.from(out.CiphertextBlob!).toString("base64");
  } finally {
    kms.destroy();
  }
}
