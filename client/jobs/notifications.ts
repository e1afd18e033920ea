/** The browser's own notifications, used beside the toasts when the person allowed them. */

export type NotificationAccess = "unsupported" | NotificationPermission;

export function notificationAccess(): NotificationAccess {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export async function askForNotifications(): Promise<NotificationAccess> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

/** Shows a system notification when allowed; silently nothing otherwise. */
export function notifyBrowser(title: string, body: string): void {
  if (notificationAccess() !== "granted") return;
  try {
    new Notification(title, { body, tag: `labflow-${title}` });
  } catch {
    // Some browsers allow notifications only from a service worker: the toast is enough.
  }
}
