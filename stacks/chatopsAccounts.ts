// Which accounts the chat-ops bot can act in, shared by the configuration check and the chat-ops
// component.

/**
 * The accounts chat-ops can act in: the spokes (memberAccounts and the accounts named in
 * accountNames). The hub account has no chat-ops roles unless it also runs a spoke stack, which
 * memberAccounts says.
 */
export function chatopsAccounts(
  hubAccount: string,
  memberAccounts: string[],
  accountNames: Record<string, string>,
): Set<string> {
  const ids = new Set([...memberAccounts, ...Object.keys(accountNames)]);
  if (!memberAccounts.includes(hubAccount)) ids.delete(hubAccount);
  return ids;
}
