// What an alert action gets, and what it returns.
import { AlertRef, WorldPermission } from "../../../shared/alertActions";
import { RunCall } from "../../../shared/deadline";
import { TempCredentials } from "../aws";
import { Outcome } from "../context";
import { ChatUser, AlertActionSettings } from "../settings";

export interface ActionContext {
  ref: AlertRef;
  user: ChatUser;
  userId: string;
  userName?: string;
  /** The assumed role's credentials (absent for actions that change nothing in the spoke). */
  credentials?: TempCredentials;
  call: RunCall;
  accountLabel: string;
  settings: AlertActionSettings;
  now: () => number;
  /** The exemption reason typed in the modal. */
  reason?: string;
  /** The exemption's expiry in days chosen in the dialog. */
  expiryDays?: number;
  /** Why Exempt ran without the reason dialog (shown with the outcome). */
  modalSkipped?: string;
}

export interface ActionResult {
  /** "pending": held for a second authorised person (production account); nothing changed yet. */
  outcome: Outcome | "dry-run" | "pending";
  /** What the alert shows (a context line under it). */
  text: string;
  /** The action did what was asked: its button is taken off the alert. */
  done?: boolean;
  /** Revert: what was revoked (for the bus report). */
  permissions?: WorldPermission[];
}
