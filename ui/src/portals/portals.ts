// The portal list the core sends (keydesk::portal::PortalSummary) and how to word it.

export type PasswordState = "not_saved" | "current" | "due_soon" | "overdue";

export interface PortalSummary {
  id: number;
  name: string;
  preset: string | null;
  second_step: string;
  second_step_label: string;
  username: string;
  login_url: string;
  last_sign_in_at: number | null;
  password: {
    state: PasswordState;
    changed_at: number | null;
    age_days: number | null;
    due_at: number | null;
    warning: string | null;
  };
  recovery_codes_total: number;
  recovery_codes_unused: number;
}

/** "today", "yesterday", "5 days ago", or "never". */
export function daysAgo(at: number | null, now: number): string {
  if (at === null) return "never";
  const days = Math.floor((now - at) / 86_400);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  return `${days} days ago`;
}

/** The password column: its age, or why there is none. */
export function passwordLabel(p: PortalSummary["password"]): string {
  if (p.state === "not_saved") return "No password saved";
  const age = p.age_days === null ? "" : p.age_days === 0 ? "changed today" : `${p.age_days} days old`;
  return p.warning ?? age;
}
