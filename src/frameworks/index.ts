import { actix } from "./actix.js";
import { axum } from "./axum.js";
import { django } from "./django.js";
import { express } from "./express.js";
import { fastapi } from "./fastapi.js";
import { fastify } from "./fastify.js";
import { flask } from "./flask.js";
import { litestar } from "./litestar.js";
import { ninja } from "./ninja.js";
import { starlette } from "./starlette.js";
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
