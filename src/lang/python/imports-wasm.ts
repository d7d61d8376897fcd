/**
 * The import scanner of imports.ts compiled from Rust (crates/pyscan) to WebAssembly. A cold
 * process runs JavaScript in the interpreter for most of a scan, three to four times slower than
 * once V8 has optimized it; WebAssembly is compiled before it runs. The results are the same
 * objects, tested against the TypeScript scanner on real trees.
 */
import { readBytesSync, readIntoSync } from "../../io/fs.js";
import type { PyScan, PyScanOptions } from "./imports.js";

export interface WasmScanner {
  /** Scans a file's bytes as read from disk (UTF-8, a byte order mark allowed). */
  scan(bytes: Uint8Array, opts?: PyScanOptions): PyScan;
  /** Reads and scans a file the walk saw with `size` bytes, straight into the scanner's memory. */
  scanFile(file: string, size: number, opts?: PyScanOptions): PyScan;
}

// The WebAssembly global of Node, typed here: the project compiles without the DOM library.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  input(len: number): number;
  options(len: number): void;
  scan(len: number): number;
  output(): number;
}

/**
 * Where `npm run build` puts pyscan.wasm (dist/), seen from this module: compiled into
 * dist/lang/python, bundled into dist/, or run from src/lang/python by the tests.
 */
function wasmUrl(): URL {
  const here = import.meta.url;
  if (/\/src\/lang\/python\/[^/]+$/.test(here)) return new URL("../../../dist/pyscan.wasm", here);
  if (/\/lang\/python\/[^/]+$/.test(here)) return new URL("../../pyscan.wasm", here);
  return new URL("pyscan.wasm", here);
}

let loaded: WasmScanner | null | undefined;

/** The WebAssembly scanner, or undefined when it was not built (no Rust toolchain): callers use imports.ts. */
export function wasmScanner(): WasmScanner | undefined {
  if (loaded === undefined) {
    let bytes: Buffer | undefined;
    try {
      bytes = readBytesSync(wasmUrl());
    } catch {
      bytes = undefined;
    }
    loaded = bytes ? instantiate(bytes) : null;
  }
  return loaded ?? undefined;
}

function list(set: ReadonlySet<string> | undefined): string {
  return set ? `=${[...set].join("\n")}` : "";
}

function instantiate(bytes: Buffer): WasmScanner {
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;
  // One view of the whole memory, made again only when growing the memory has replaced it: a
  // view per file cost a cold run more than the copy it stood for.
  let view = Buffer.from(e.memory.buffer);
  const memory = () => (view.buffer === e.memory.buffer ? view : (view = Buffer.from(e.memory.buffer)));
  const put = (data: Uint8Array): number => {
    const p = e.input(data.length);
    memory().set(data, p);
    return data.length;
  };
  let callees: ReadonlySet<string> | undefined;
  let assignments: ReadonlySet<string> | undefined;
  let configured = false;
  const configure = (opts: PyScanOptions) => {
    if (configured && opts.callees === callees && opts.assignments === assignments) return;
    e.options(put(Buffer.from(`${list(opts.callees)}\0${list(opts.assignments)}`)));
    ({ callees, assignments } = opts);
    configured = true;
  };
  const result = (n: number) => {
    const p = e.output();
    return JSON.parse(memory().toString("utf8", p, p + n)) as PyScan;
  };
  const scanner: WasmScanner = {
    scan(bytes, opts = {}) {
      configure(opts);
      return result(e.scan(put(bytes)));
    },
    scanFile(file, size, opts = {}) {
      configure(opts);
      // One byte more than the walk saw tells a file that has grown since: it is read again whole.
      const p = e.input(size + 1);
      const n = readIntoSync(file, memory(), p, size + 1);
      return n < 0 ? scanner.scan(readBytesSync(file), opts) : result(e.scan(n));
    },
  };
  return scanner;
}
