// A DynamoDB conditional write (PutItem or DeleteItem with a ConditionExpression) is either applied or
// refused with ConditionalCheckFailedException
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
// The stores built on it (seen store, second-person confirmations, incident store) read a refusal as
// "another writer got there first"; any other error means the store did not answer, and is thrown.
import { errorCode } from "./errors";

/** Runs `write`: true when DynamoDB applied it, false when its condition did not hold. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (errorCode(err) === "ConditionalCheckFailedException") return false;
    throw err;
  }
}
