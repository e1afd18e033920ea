import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ClustersFileError,
  findClustersFile,
  loadClustersFile,
  parseClustersText,
} from "../../../server/cluster/clusters-file.js";
import { tempDir } from "../../helpers/temp-dir.js";

const FINGERPRINT = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
const yaml = `clusters:
  - name: scarf
    url: https://slurm.example.org:6820
    apiVersion: v0.0.38
    partition: compute
    account: tomo
    sftp: { host: login.example.org, hostKeyFingerprint: "${FINGERPRINT}", remoteBase: /home/me/labflow }
  - name: local
    url: http://127.0.0.1:6820
    apiVersion: v0.0.38
    sharedFolder: { path: /shared/labflow }
`;

function problems(text: string, format: "json" | "yaml" = "yaml"): string[] {
  try {
    parseClustersText(text, "clusters.yaml", format);
  } catch (error) {
    if (error instanceof ClustersFileError) return error.problems;
    throw error;
  }
  throw new Error("expected the clusters file to be refused");
}

describe("clusters file", () => {
  it("reads clusters with their file transport and defaults", () => {
    const { clusters } = parseClustersText(yaml);
    expect(clusters.map((c) => c.name)).toEqual(["scarf", "local"]);
    expect(clusters[0]?.sftp).toEqual({
      host: "login.example.org",
      port: 22,
      hostKeyFingerprint: FINGERPRINT,
      remoteBase: "/home/me/labflow",
    });
    expect(clusters[1]?.sharedFolder).toEqual({ path: "/shared/labflow" });
  });

  it("names the entry, field and line of a bad field", () => {
    const bad = yaml.replace('hostKeyFingerprint: "SHA256:', 'hostKeyFingerprint: "MD5:');
    expect(problems(bad)).toEqual([
      expect.stringMatching(/^clusters\[0\] "scarf": sftp\.hostKeyFingerprint: .*SHA256.* \(line 7\)$/),
    ]);
  });

  it("refuses a cluster with both or neither file transport, and an unknown API version", () => {
    const text = `clusters:
  - { name: a, url: "http://h:1", apiVersion: v0.0.38 }
  - { name: b, url: "http://h:1", apiVersion: v0.0.36, sharedFolder: { path: /x } }
`;
    const found = problems(text);
    expect(found).toContainEqual(
      expect.stringMatching(/^clusters\[0\] "a": .*exactly one of sftp and sharedFolder/),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^clusters\[1\] "b": apiVersion: .*v0\.0\.38.* \(line 3\)/),
    );
  });

  it("refuses a name declared twice and an unknown key, naming lines", () => {
    const text = `clusters:
  - { name: a, url: "http://h:1", apiVersion: v0.0.38, sharedFolder: { path: /x } }
  - { name: a, url: "http://h:1", apiVersion: v0.0.38, sharedFolder: { path: /x }, token: abc }
`;
    expect(problems(text)).toEqual([expect.stringMatching(/^clusters\[1\] "a": .*token.* \(line 3\)$/)]);
    expect(problems(text.replace(", token: abc", ""))).toEqual([
      'clusters[1] "a": name "a" is declared twice (line 3)',
    ]);
  });

  it("tells invalid JSON with its line", () => {
    expect(problems('{\n "clusters": [1,,]\n}', "json")).toEqual([
      expect.stringMatching(/^not valid JSON: /),
    ]);
  });

  it("is found in the data folder, or given explicitly", () => {
    const dir = tempDir();
    expect(findClustersFile(dir)).toBeUndefined();
    writeFileSync(join(dir, "clusters.yaml"), yaml);
    expect(findClustersFile(dir)).toBe(join(dir, "clusters.yaml"));
    expect(loadClustersFile(join(dir, "clusters.yaml")).clusters).toHaveLength(2);
    expect(() => findClustersFile(dir, join(dir, "nope.yaml"))).toThrow(/does not exist/);
  });
});
