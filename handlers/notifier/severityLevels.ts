// The severity scale, most severe first. Its own module so every part of the notifier can use it.
export const SEVERITY_LEVELS = ["critical", "high", "medium", "low", "info"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];
