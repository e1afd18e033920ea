/**
 * Vitest global setup: the tests use real parts that come from Debian packages (socat for
 * pseudo-terminals, Chromium for the browser tests, OpenSSH's server for SFTP to the test cluster). When one is missing and this runs as root on
 * Debian, it is installed, so that `npm test` works on a fresh machine; otherwise the run stops at
 * once with the command to run, instead of failing test by test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM } from "../e2e/browser.js";

interface Tool {
  name: string;
  present(): boolean;
  debianPackage: string;
}

const TOOLS: Tool[] = [
  { name: "socat", present: () => onPath("socat"), debianPackage: "socat" },
  { name: "chromium", present: () => existsSync(CHROMIUM), debianPackage: "chromium" },
  // SFTP for cluster jobs: the tests run their own sshd (the Slurm cluster's packages come with
  // ../shared/slurm/up.sh, which installs them itself).
  { name: "sshd", present: () => existsSync("/usr/sbin/sshd"), debianPackage: "openssh-server" },
];

export default function setup(): void {
  const missing = TOOLS.filter((tool) => !tool.present());
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.debianPackage);
  const canInstall = process.getuid?.() === 0 && onPath("apt-get");
  if (!canInstall) {
    throw new Error(
      `the tests need ${missing.map((tool) => tool.name).join(" and ")}: ` +
        `run \`sudo apt-get install -y ${packages.join(" ")}\` and try again`,
    );
  }
  console.log(`test setup: installing ${packages.join(" ")} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: "inherit",
    env,
  });
}

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}
