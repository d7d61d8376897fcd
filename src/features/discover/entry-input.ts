/** What servedEntry reads: the service's folder and files, and the file system through the caller. */
export interface EntryInput {
  /** Absolute folder of the service (the build context). */
  dir: string;
  /** Absolute paths of the service's files discovery walked (.py, .rs, manifests, scripts). */
  files: string[];
  exists(file: string): boolean;
  read(file: string): string;
  /** Display path of an absolute file (relative to the cwd). */
  rel(file: string): string;
  /** Absolute path of a display path in the record (compose, k8s, Dockerfile files). */
  abs(file: string): string;
}
