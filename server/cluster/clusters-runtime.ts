import { EngineError } from "../engine/engine-error.js";
import { ClusterService } from "./cluster-service.js";
import { ClustersFileError, findClustersFile, loadClustersFile } from "./clusters-file.js";
import { CredentialStore } from "./credential-store.js";

/**
 * The clusters of a data folder, when it has a clusters file (`--clusters FILE`, or
 * clusters.json|yaml|yml in the data folder); undefined otherwise: cluster modules then fail
 * saying how to configure one.
 */
export function openClusters(dataDir: string, clustersFile?: string): ClusterService | undefined {
  try {
    const file = findClustersFile(dataDir, clustersFile);
    if (file === undefined) return undefined;
    return new ClusterService(loadClustersFile(file), new CredentialStore(dataDir));
  } catch (error) {
    // A user error, told as such (the CLI prints it without a stack): each problem names its place.
    if (error instanceof ClustersFileError) throw new EngineError(error.code, error.message);
    throw error;
  }
}
