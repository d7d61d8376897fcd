import { actix } from "./actix/adapter.js";
import { axum } from "./axum/adapter.js";
import { django } from "./django/adapter.js";
import { express } from "./express/adapter.js";
import { fastapi } from "./fastapi/adapter.js";
import { fastify } from "./fastify/adapter.js";
import { flask } from "./flask/adapter.js";
import { litestar } from "./litestar/adapter.js";
import { ninja } from "./ninja/adapter.js";
import { starlette } from "./starlette/adapter.js";
import type { FrameworkAdapter, ProjectFacts } from "./types.js";
import type { Source } from "../model.js";

export const FRAMEWORKS: readonly FrameworkAdapter[] = [fastapi, starlette, flask, django, axum, actix, express, fastify, ninja, litestar];

export function frameworkById(id: string): FrameworkAdapter | undefined {
  return FRAMEWORKS.find((f) => f.id === id);
}

/** The framework with the strongest evidence, by priority. */
export function detectFramework(facts: ProjectFacts): { adapter: FrameworkAdapter; source: Source } | undefined {
  let best: { adapter: FrameworkAdapter; source: Source } | undefined;
  for (const adapter of FRAMEWORKS) {
    const source = adapter.detect(facts);
    if (source && (!best || adapter.priority > best.adapter.priority)) best = { adapter, source };
  }
  return best;
}

export type { FrameworkAdapter, ProjectFacts } from "./types.js";
