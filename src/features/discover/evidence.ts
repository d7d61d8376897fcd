import type { ComposeInfo, DockerfileInfo, K8sInfo } from "../../model.js";
import type { SourceProject } from "./source.js";

/** Everything discovery read, before it is merged into service records. */
export interface Evidence {
  compose: ComposeInfo[];
  k8s: K8sInfo[];
  /** Keyed by absolute path. */
  dockerfiles: Map<string, DockerfileInfo>;
  projects: SourceProject[];
}
