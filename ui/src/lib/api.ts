// The app's commands, typed. Every call goes through here so the UI has one list of what it uses.
import { invoke } from "@tauri-apps/api/core";
import type { DeskStatus } from "./status";

/** What a failed command sends: a stable code and a plain-words message. */
export interface CommandError {
  code: string;
  message: string;
}

export function deskStatus(): Promise<DeskStatus> {
  return invoke<DeskStatus>("desk_status");
}

export function errorMessage(e: unknown): string {
  if (typeof e === "object" && e !== null && "message" in e) {
    return String((e as CommandError).message);
  }
  return String(e);
}
