const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** "21 Nov 2025" (UTC, so server and browser agree). */
export function formatDate(d: Date): string {
  return dateFormat.format(d);
}

/** "21 Nov 2025, 14:03 UTC". */
export function formatDateTime(d: Date): string {
  return dateTimeFormat.format(d);
}

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC",
});

/** "21 Nov 2025, 14:03:07" (UTC, to the second: for logs). */
export function formatTimestamp(d: Date): string {
  return timeFormat.format(d);
}
