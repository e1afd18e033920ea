import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CredentialStore, KEY_FILE, LOGINS_FILE } from "../../../server/cluster/credential-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTl9.c2VjcmV0LXNpZ25hdHVyZQ";

describe("cluster credential store", () => {
  it("keeps logins encrypted at rest under a 0600 key, several users per cluster", () => {
    const dir = tempDir();
    const store = new CredentialStore(dir, {});
    store.save("scarf", "alice", {
      token: TOKEN,
      sshKeyPath: "/home/alice/.ssh/id",
      sshPassphrase: "pp-secret",
    });
    store.save("scarf", "project", { token: `${TOKEN}x` });
    const file = readFileSync(join(dir, LOGINS_FILE), "utf8");
    expect(file).not.toContain(TOKEN.slice(20));
    expect(file).not.toContain("pp-secret");
    expect(file).not.toContain("/home/alice");
    expect(statSync(join(dir, LOGINS_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(store.users("scarf")).toEqual(["alice", "project"]);
    expect(new CredentialStore(dir, {}).get("scarf", "alice").secret).toEqual({
      token: TOKEN,
      sshKeyPath: "/home/alice/.ssh/id",
      sshPassphrase: "pp-secret",
    });
  });

  it("asks to name the user when several are logged in, and says how to log in when none is", () => {
    const store = new CredentialStore(tempDir(), {});
    expect(() => store.get("scarf")).toThrow("log in again: labflow cluster login scarf");
    store.save("scarf", "alice", { token: TOKEN });
    expect(store.get("scarf").user).toBe("alice");
    store.save("scarf", "bob", { token: TOKEN });
    expect(() => store.get("scarf")).toThrow(/several users .*\(alice, bob\)/);
  });

  it("forgets one user or the whole cluster on logout", () => {
    const store = new CredentialStore(tempDir(), {});
    store.save("scarf", "alice", { token: TOKEN });
    store.save("scarf", "bob", { token: TOKEN });
    expect(store.remove("scarf", "bob")).toEqual(["bob"]);
    expect(store.users("scarf")).toEqual(["alice"]);
    expect(store.remove("scarf")).toEqual(["alice"]);
    expect(store.users("scarf")).toEqual([]);
  });

  it("uses LABFLOW_SECRET_KEY instead of a key file, and cannot read logins with another key", () => {
    const dir = tempDir();
    const key = "ab".repeat(32);
    new CredentialStore(dir, { LABFLOW_SECRET_KEY: key }).save("c", "u", { token: TOKEN });
    expect(() => statSync(join(dir, KEY_FILE))).toThrow();
    expect(new CredentialStore(dir, { LABFLOW_SECRET_KEY: key }).get("c", "u").secret.token).toBe(TOKEN);
    const other = new CredentialStore(dir, { LABFLOW_SECRET_KEY: "cd".repeat(32) });
    expect(() => other.get("c", "u")).toThrow(/cannot be decrypted/);
    try {
      other.get("c", "u");
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
    }
  });

  it("refuses a login moved to another user by editing the file", () => {
    const dir = tempDir();
    const store = new CredentialStore(dir, {});
    store.save("c", "alice", { token: TOKEN });
    const file = JSON.parse(readFileSync(join(dir, LOGINS_FILE), "utf8"));
    file.logins.c.mallory = file.logins.c.alice;
    writeFileSync(join(dir, LOGINS_FILE), JSON.stringify(file));
    expect(() => store.get("c", "mallory")).toThrow(/cannot be decrypted/);
  });

  it("refuses a key file others can read", async () => {
    const dir = tempDir();
    const store = new CredentialStore(dir, {});
    store.save("c", "u", { token: TOKEN });
    const { chmodSync } = await import("node:fs");
    chmodSync(join(dir, KEY_FILE), 0o644);
    expect(() => store.get("c", "u")).toThrow(/readable by others/);
  });

  it("says what to do with a logins file that is not one", () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOGINS_FILE), "{ half a file");
    expect(() => new CredentialStore(dir, {}).users("c")).toThrow(
      /is not a labflow logins file; remove it and log in again/,
    );
  });
});
