// JSON.parse's error text is V8's: Node 22 added "(line 1 column 181)" to Node 20's "Unterminated
// string in JSON at position 180", and other versions word it otherwise. Tests assert what it means
// (that the body is not JSON, and where it broke), not the wording.

/** Replaces the innermost parenthesised JSON.parse message naming a position with "(…position N…)". */
export function jsonErrorMeaning(text: string): string {
  return text.replace(/\((?:[^()]|\([^()]*\))*?\bposition (\d+)\b(?:[^()]|\([^()]*\))*\)/, "(…position $1…)");
}
