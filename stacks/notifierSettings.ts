// The notifier's settings from the hub's config: the one place that maps config keys to what the
// function receives, used by the Notifier component and by `npm run routes`.
import { NotifierSettings } from "../handlers/notifier/settings";
import { HubConfig } from "./configSchema";

export function notifierSettings(config: HubConfig): NotifierSettings {
  return { accountNames: config.accountNames, routes: config.slackRoutes };
}
