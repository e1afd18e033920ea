/** Run-state colours for drawings (the overview map); CSS has the same values as --st-*. */
export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  idle: "#c3ccd5",
  pending: "#aab4be",
  running: "#2f7fc4",
  suspended: "#7d5fc9",
  done: "#2e8b50",
  cached: "#5a9f78",
  failed: "#c9372c",
  skipped: "#9aa1a7",
  cancelled: "#7d7d7d",
};

/** The colour of a module in a run state (no state: idle). */
export const statusColour = (status: string | undefined): string =>
  STATUS_COLOURS[status ?? "idle"] ?? (STATUS_COLOURS.idle as string);
