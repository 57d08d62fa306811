// An organization Config aggregator works only from the management account or a delegated
// administrator for AWS Config
// (https://docs.aws.amazon.com/config/latest/developerguide/set-up-aggregator-cli.html#add-an-aggregator-organization-cli).
// ListDelegatedServicesForAccount answers only the management account or a delegated
// administrator: AccountNotRegistered and AccessDenied both mean "not delegated".
import {
  DescribeOrganizationCommand,
  ListDelegatedServicesForAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { errorCode, errorText } from "../../handlers/shared/errors";
import { HubConfig, aggregatorMode } from "../../stacks/configSchema";
import { HUB_REGION } from "../../stacks/regions";
import { Finding } from "./findings";
import { DeploySession } from "./session";

const CONFIG_PRINCIPAL = "config.amazonaws.com";

export async function checkOrganization(config: HubConfig, session: DeploySession): Promise<Finding[]> {
  const base = { check: "organization", account: config.accountId, region: "global" };
  if (!config.organizationId) return [];
  const client = new OrganizationsClient(session.client(HUB_REGION));
  let org;
  try {
    org = (await client.send(new DescribeOrganizationCommand({}))).Organization;
  } catch (err) {
    return [
      {
        ...base,
        resource: `organization ${config.organizationId}`,
        blocks: true,
        message: `the hub account is in no organization it can read (${errorText(err)}): the organization-scoped policies would admit nobody`,
        fix: "set security-guard:memberAccounts instead of security-guard:organizationId (account-list mode)",
      },
    ];
  }
  const findings: Finding[] = [];
  if (org?.Id !== config.organizationId) {
    findings.push({
      ...base,
      resource: `organization ${config.organizationId}`,
      blocks: true,
      message: `the hub account belongs to organization ${org?.Id}, not ${config.organizationId}: every spoke would be refused`,
      fix: `set security-guard:organizationId to ${org?.Id}`,
    });
  }
  if (aggregatorMode(config) !== "organization") return findings;
  const resource = "Config aggregator (organization source)";
  if (org?.MasterAccountId === config.accountId) {
    findings.push({
      ...base,
      resource,
      blocks: false,
      message: "the hub is the management account: the organization aggregator can be created",
    });
    return findings;
  }
  const delegateFix =
    "set security-guard:aggregator: none (or account) until delegation is done; from the management account run " +
    `aws organizations enable-aws-service-access --service-principal ${CONFIG_PRINCIPAL} && ` +
    `aws organizations register-delegated-administrator --account-id ${config.accountId} --service-principal ${CONFIG_PRINCIPAL}`;
  let delegated = false;
  let why = "";
  try {
    // The account may be a delegated administrator for other services only
    // (config-multiaccountsetup.amazonaws.com covers organization rules, not aggregators).
    const services = await client.send(
      new ListDelegatedServicesForAccountCommand({ AccountId: config.accountId }),
    );
    const names = (services.DelegatedServices ?? []).map((d) => d.ServicePrincipal);
    delegated = names.includes(CONFIG_PRINCIPAL);
    if (!delegated) why = ` (it is one for ${names.join(", ") || "no service"} only)`;
  } catch (err) {
    // Not registered for anything, or (the same) not allowed to ask.
    if (!["AccountNotRegisteredException", "AccessDeniedException"].includes(errorCode(err) ?? "")) throw err;
  }
  findings.push(
    delegated
      ? { ...base, resource, blocks: false, message: "the hub is a delegated administrator for AWS Config" }
      : {
          ...base,
          resource,
          blocks: true,
          message: `the hub is neither the management account (${org?.MasterAccountId}) nor a delegated administrator for AWS Config${why}: creating the organization aggregator would fail`,
          fix: delegateFix,
        },
  );
  return findings;
}
